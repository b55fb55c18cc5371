"""Documents kept for a piece of work rather than a case (briefing packs, guidance, minutes)."""
