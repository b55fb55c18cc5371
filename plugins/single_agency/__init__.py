"""Single-agency case file audits: the monthly cycle a council's QA team runs (DOMAIN.md,
"Single-agency case file audit"). Hook implementations are in `plugin.py`."""
