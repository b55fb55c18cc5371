"""People, agencies, partnerships, teams, memberships, roles and permissions."""
