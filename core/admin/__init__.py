"""Admin pages for agencies, teams, people, memberships and plugins."""
