"""Alembic migration environment, shipped inside the package and configured programmatically."""
