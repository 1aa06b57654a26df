"""Declarative base with a naming convention so constraints get the same names on every database."""
from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = 64  # platform ids: Discord snowflakes, Slack ts / team / channel ids
NAME = 200
ARG_ID = 128


class Base(DeclarativeBase):
    """All Counterpoint tables."""

    metadata = MetaData(naming_convention=NAMING)
