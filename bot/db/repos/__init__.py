"""Repository functions, one module per area; each takes an AsyncSession (or the Database for sync jobs)."""
