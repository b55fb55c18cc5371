"""Child and family feedback: the child's own voice by a link with no login, parents' and
carers' views, calls during audits, disclosure alerts and "you said, we did" (DOMAIN.md,
"Child and family feedback")."""

KEY = "feedback"
