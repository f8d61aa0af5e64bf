"""Courses as files: read courses/, validate them and load them into the database."""
