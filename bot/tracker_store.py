"""Rasa's SQL tracker store with every event encrypted before it reaches the database.

An event's ``data`` holds what the user wrote, the entities and the slots: it is sealed with
Fernet (AES-128-CBC + HMAC-SHA256) under ``TRACKER_ENCRYPTION_KEY``. Only the columns Rasa needs
to find events stay readable: sender id (a pseudonym or a random session id), event type,
timestamp, intent and action names. Several keys, comma-separated, allow rotation: the first
encrypts, all decrypt. Rows written before encryption was switched on are still read."""

from __future__ import annotations

import json
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.secrets import secret

logger = logging.getLogger(__name__)
KEY_VARIABLE = "TRACKER_ENCRYPTION_KEY"
# Set by the actions when the user confirms "erase everything" (see actions/topics.py).
ERASE_SLOT = "erase_requested"


def cipher() -> MultiFernet:
    """The tracker's cipher, from the environment or the key kept in var/secrets."""
    keys = secret(KEY_VARIABLE, make=lambda: Fernet.generate_key().decode(), min_length=44)
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose event data is encrypted at rest."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cipher = cipher()

    def seal(self, data: dict[str, Any]) -> str:
        """Encrypt one event's data."""
        return self._cipher.encrypt(json.dumps(data).encode()).decode()

    def open(self, stored: str) -> dict[str, Any]:
        """Decrypt one event's data (plain JSON from before encryption is read as it is)."""
        if stored.startswith("{"):
            return json.loads(stored)
        try:
            return json.loads(self._cipher.decrypt(stored.encode()))
        except InvalidToken:
            # A key was removed too early, or the row was tampered with: say which, not what.
            raise RuntimeError(
                "a tracker event cannot be decrypted with the configured keys"
            ) from None

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = [self.open(row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events, encrypted (Rasa's own save, but for the data)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            if any(isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value for e in new_events):
                # Erasure happens here, when Rasa saves the turn: deleting from an action would
                # be undone by this save, which appends what it does not find stored.
                deleted = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == tracker.sender_id)
                    .delete(synchronize_session=False)
                )
                session.commit()
                logger.info("erased a conversation on the user's request (%d events)", deleted)
                return
            for event in new_events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {})
                        .get("intent", {})
                        .get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=self.seal(data),
                    )
                )
            session.commit()
