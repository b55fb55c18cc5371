"""Benchmarks that print figures (not tests). `python -m bench` runs them all and prints one
JSON object; each module here with a `run() -> dict` is one benchmark."""
