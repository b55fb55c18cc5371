"""Closing the loop (Havering's template): what a piece of learning set out to change, what
was done, how it was shared and whether it made a difference, with dated updates, linked to
the findings it answers and the actions taken."""
