"""LADO audits: allegations against people who work with children (DOMAIN.md, "LADO audit")."""
