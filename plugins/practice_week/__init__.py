"""Practice weeks and observations of practice."""
