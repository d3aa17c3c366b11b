"""The tracker store encrypts what users write before it reaches the database (SQLite and
PostgreSQL), reads it back, rotates keys, and still reads rows from before encryption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.tracker_store import EncryptedSQLTrackerStore

CANARY = "Sunita Kathmandu passport 4471"


def store_for(database_url: str) -> EncryptedSQLTrackerStore:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return EncryptedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=url.database)
    return EncryptedSQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host=url.host,
        port=url.port,
        db=url.database,
        username=url.username,
    )


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(f"I am {CANARY}", intent={"name": "help_human", "confidence": 1}))
    return tracker


@pytest.fixture()
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    value = Fernet.generate_key().decode()
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEY", value)
    return value


async def test_what_users_write_is_stored_encrypted_and_read_back(
    database_url: str, key: str
) -> None:
    store = store_for(database_url)
    await store.save(conversation("tg-someone"))
    engine = create_engine(database_url, future=True)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT intent_name, data FROM events")).all()
    engine.dispose()
    assert rows and all(CANARY not in row.data and not row.data.startswith("{") for row in rows)
    assert "help_human" in [row.intent_name for row in rows]  # kept readable for statistics
    restored = await store.retrieve("tg-someone")
    assert restored is not None and restored.latest_message.text == f"I am {CANARY}"
    if database_url.startswith("sqlite"):
        assert CANARY.encode() not in Path(make_url(database_url).database).read_bytes()


async def test_keys_rotate_and_old_plain_rows_are_still_read(
    database_url: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_for(database_url)
    await store.save(conversation("tg-rotated"))
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:  # a row written before encryption was switched on
        plain = json.dumps(UserUttered("older, plain").as_dict())
        conn.execute(
            text("INSERT INTO events (sender_id, type_name, data) VALUES ('tg-old', 'user', :d)"),
            {"d": plain},
        )
    engine.dispose()
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEY", f"{Fernet.generate_key().decode()},{key}")
    rotated = store_for(database_url)
    restored = await rotated.retrieve("tg-rotated")
    assert restored is not None and restored.latest_message.text == f"I am {CANARY}"
    older = await rotated.retrieve("tg-old")
    assert older is not None and older.latest_message.text == "older, plain"


async def test_a_wrong_key_fails_loudly_without_showing_the_data(
    database_url: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store_for(database_url).save(conversation("tg-lost"))
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with pytest.raises(RuntimeError, match="cannot be decrypted") as failure:
        await store_for(database_url).retrieve("tg-lost")
    assert CANARY not in str(failure.value)


async def test_a_turn_that_asks_for_erasure_deletes_the_conversation(
    database_url: str, key: str
) -> None:
    from rasa.shared.core.events import SlotSet

    store = store_for(database_url)
    tracker = conversation("tg-erase")
    await store.save(tracker)
    await store.save(conversation("tg-stays"))
    tracker.update(SlotSet("erase_requested", True))
    await store.save(tracker)
    assert await store.retrieve("tg-erase") is None
    assert await store.retrieve("tg-stays") is not None
