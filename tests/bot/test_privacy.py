"""Erasing a user's conversation from Rasa's tracker store (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import text

from bot.privacy import erase_conversation
from tests.conftest import make_events_table


def test_erasure_removes_every_event_of_that_user_and_no_other(database_url: str) -> None:
    engine = make_events_table(database_url, [("tg-me", 0), ("tg-me", 0), ("tg-other", 0)])
    assert erase_conversation(sender_id="tg-me", url=database_url) == 2
    with engine.connect() as conn:
        left = conn.execute(text("SELECT sender_id FROM events")).scalars().all()
    assert left == ["tg-other"]
    engine.dispose()


def test_erasure_before_any_conversation_is_stored_deletes_nothing(database_url: str) -> None:
    assert erase_conversation(sender_id="tg-me", url=database_url) == 0
