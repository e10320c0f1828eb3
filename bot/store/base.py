"""Declarative base shared by every table, and the registry of member-keyed tables.

Every table that holds data about a member declares ``info={"member_keys": ("platform", "user_id")}``
(the names of its columns holding the member's platform and platform user id). ``/forget`` and the
privacy tests walk ``Base.metadata`` and use these keys, so a new table cannot be forgotten by mistake.
A table whose rows are not a member's but name one (an announcement's organiser) declares
``info={"member_refs": ("created_by",)}``: columns holding ``platform:user_id``, cleared by ``/forget``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all ORM tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


def member_tables() -> dict[str, tuple[str, str]]:
    """Tables that hold member data, with their (platform column, user id column)."""
    return {
        name: table.info["member_keys"]
        for name, table in Base.metadata.tables.items()
        if "member_keys" in table.info
    }


def member_reference_tables() -> dict[str, tuple[str, ...]]:
    """Tables with columns naming a member as ``platform:user_id``, with those columns."""
    return {
        name: tuple(table.info["member_refs"])
        for name, table in Base.metadata.tables.items()
        if "member_refs" in table.info
    }
