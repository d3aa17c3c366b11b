"""What users tell the running assistant is not on disk in plain text: Rasa really uses the
encrypted tracker store (not a silent in-memory fallback), and the app database holds no text."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from tests.e2e.conftest import Assistant

CANARY = "Ramkumari Tamang Doha passport 90317"


def test_personal_details_told_to_the_assistant_are_not_stored_in_plain_text(
    assistant: Assistant,
) -> None:
    sender = uuid.uuid4().hex
    assistant.ask(f"My name is {CANARY}, my employer kept my passport", sender=sender)
    tracker_db = Path(assistant.env["TRACKER_DB"])
    with sqlite3.connect(tracker_db) as db:
        stored = db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,))
        assert stored.fetchone()[0] > 0  # kept in the database, so the store is the real one
    app_db = Path(assistant.database_url.removeprefix("sqlite:///"))
    for path in (tracker_db, app_db):
        for part in (path, *path.parent.glob(path.name + "-wal")):
            assert b"Ramkumari" not in part.read_bytes(), part
    for log in assistant.log_dir.glob("*.log"):
        assert "Ramkumari" not in log.read_text(errors="replace"), log


def events_of(assistant: Assistant, sender: str) -> int:
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[
            0
        ]


def test_a_user_erases_everything_from_the_chat_after_confirming(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    assistant.ask("I work in Qatar and come from Nepal. How do I register?", sender=sender)
    offer = assistant.ask("please delete my data", sender=sender)
    erase = [
        b["payload"]
        for r in offer
        for b in r.get("buttons", [])
        if b["payload"] == '/privacy_delete{"confirm":"yes"}'
    ]
    assert erase, "the privacy.delete answer offers the erase button"
    assert events_of(assistant, sender) > 0  # asking is not erasing
    done = assistant.ask(erase[0], sender=sender)
    assert any(r.get("custom", {}).get("kind") == "erased" for r in done)
    assert events_of(assistant, sender) == 0
    # The conversation starts afresh: nothing about the countries is remembered.
    again = assistant.ask("hello", sender=sender)
    assert all("countries" not in r.get("custom", {}) for r in again)
