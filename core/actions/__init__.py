"""SMART actions from any activity: owners, due dates, sign-off for quality, overdue handling.

- `service.raise_action(...)` records an action (plugins call it through the toolkit);
  `service.actions_for(source)` lists an activity's actions.
- `queries` scopes every list in SQL; `queries.action_rows(user, filters)` gives plain rows
  (case codes only) for the exports.
- `overdue` is the morning job that tells owners and climbs the management line;
  `sampling` picks signed-off actions for the "did it make a difference?" review.
- Pages: the tracker at /actions, an action's page, action plans and their board.
"""
