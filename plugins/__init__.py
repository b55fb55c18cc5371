"""The built-in QA activities, each a plugin registered through an entry point."""
