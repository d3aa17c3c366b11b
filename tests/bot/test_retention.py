"""Conversations idle for longer than the retention period are deleted, whole (SQLite and
PostgreSQL); recent ones are kept."""

from __future__ import annotations

from sqlalchemy import text

from bot.retention import purge
from tests.conftest import make_events_table

DAY = 86_400
NOW = 1_800_000_000.0


def test_idle_conversations_are_deleted_and_recent_ones_kept(database_url: str) -> None:
    engine = make_events_table(
        database_url,
        [
            ("old", NOW - 200 * DAY),
            ("old", NOW - 120 * DAY),
            ("active", NOW - 300 * DAY),  # an old start, but written to yesterday
            ("active", NOW - 1 * DAY),
            ("recent", NOW - 10 * DAY),
        ],
    )
    assert purge(days=90, url=database_url, now=NOW) == 1
    with engine.connect() as conn:
        left = sorted(set(conn.execute(text("SELECT sender_id FROM events")).scalars()))
    assert left == ["active", "recent"]
    assert purge(days=5, url=database_url, now=NOW) == 1  # a shorter period, configured
    engine.dispose()


def test_nothing_to_purge_before_any_conversation(database_url: str) -> None:
    assert purge(days=90, url=database_url, now=NOW) == 0
