"""Core pages: the home dashboard and health checks."""
