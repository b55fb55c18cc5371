"""The append-only, hash-chained log of who saw or changed what (Caldicott principle 4)."""
