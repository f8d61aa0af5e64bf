"""Demo data for development and `make run`."""
