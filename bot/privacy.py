"""Erase what the assistant keeps about one user: their conversation in Rasa's tracker store."""

from __future__ import annotations

import os
from functools import cache

from sqlalchemy import column, create_engine, delete, table
from sqlalchemy.engine import URL, Engine

from bot.settings import ROOT

# Rasa's SQLTrackerStore keeps one row per event in this table, keyed by the conversation's sender.
EVENTS = table("events", column("sender_id"), column("timestamp"))


def tracker_db_url() -> URL:
    """The tracker store's database, built from the same variables as endpoints.yml."""
    dialect = os.environ.get("TRACKER_DIALECT", "sqlite")
    db = os.environ.get("TRACKER_DB", str(ROOT / "var" / "tracker.db"))
    if dialect == "sqlite" and not os.path.isabs(db):
        db = str(ROOT / db)
    return URL.create(drivername=dialect, database=db)


@cache
def _engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=True)


def tracker_engine(url: URL | str | None = None) -> Engine:
    """The engine of the tracker store's database (``url`` or the one endpoints.yml uses)."""
    url = url or tracker_db_url()
    return _engine(url if isinstance(url, str) else url.render_as_string(hide_password=False))


def erase_conversation(*, sender_id: str, url: URL | str | None = None) -> int:
    """Delete every event of ``sender_id`` from the tracker store; return how many were deleted.

    Call it between turns of that user (the Telegram bridge holds the user's lock): Rasa appends
    to what it finds, so a turn running meanwhile could write its events back."""
    engine = tracker_engine(url)
    with engine.begin() as conn:
        if not engine.dialect.has_table(conn, "events"):
            return 0  # Rasa has not stored any conversation yet
        result = conn.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
    return result.rowcount or 0
