"""The versions of the tables that cached lists show (federation/listcache.py).

One row per tracked table, raised by one in the transaction that wrote it,
so that a list read in a transaction sees the version of the data it reads.
The row named EPOCH holds a random number set when the table is created: a
database built again from nothing never meets the cached lists of the one
before it (a shared Redis outlives databases)."""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, String, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from federation.models.base import Base

EPOCH = "*epoch"


def new_epoch() -> int:
    return secrets.randbelow(2**62)


class ListVersion(Base):
    __tablename__ = "list_version"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(ListVersion.__table__, "after_create")
def _seed_epoch(table, connection, **_kw):
    # create_all (tests, a fresh embedded database); the migration seeds its own.
    connection.execute(insert(table).values(name=EPOCH, version=new_epoch()))
