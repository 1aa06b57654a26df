"""Alembic revisions, oldest first: 0001 corpus tables, 0002 service tables."""
