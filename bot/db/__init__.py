"""Persistence: SQLAlchemy async models, repositories and Alembic migrations (SQLite or PostgreSQL)."""
