"""Erasing a user's conversation from Rasa's tracker store (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from bot.privacy import erase_conversation


def test_erasure_removes_every_event_of_that_user_and_no_other(database_url: str) -> None:
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:
        # The columns Rasa's SQLTrackerStore uses.
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
        )
        for i, sender in enumerate(["tg-me", "tg-me", "tg-other"]):
            conn.execute(
                text("INSERT INTO events VALUES (:i, :s, 'user', 0, '{}')"), {"i": i, "s": sender}
            )
    assert erase_conversation(sender_id="tg-me", url=database_url) == 2
    with engine.connect() as conn:
        left = conn.execute(text("SELECT sender_id FROM events")).scalars().all()
    assert left == ["tg-other"]
    engine.dispose()


def test_erasure_before_any_conversation_is_stored_deletes_nothing(database_url: str) -> None:
    assert erase_conversation(sender_id="tg-me", url=database_url) == 0
