"""Regulation 44 independent visits to children's homes (DOMAIN.md, "Regulation 44 visits")."""
