"""The web chat's socket.io channel: Rasa's, with what embassies' sites need.

- A connection names an organisation profile (``auth: {profile}``) and is refused unless the
  page's Origin is one the profile allows, so one site cannot impersonate another. Rasa's own
  channel accepts every origin.
- The profile of the connection, not what the page claims, goes into each message's metadata,
  so the actions answer with that organisation's contacts and corridor.
- Session ids chosen by a page must look random (32 hex digits); anything else gets a new one.
- Contract objects (``custom``) are sent as ``{"custom": {...}}``: Rasa's channel passes them
  as keyword arguments to ``emit`` and fails.
- The room is entered with ``await`` where python-socketio made it a coroutine (>= 5.10,
  RasaHQ/rasa#13027), so the pin on 5.9 can be lifted later.
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.profiles import get_profile, origin_allowed

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"[0-9a-f]{32}")
MAX_MESSAGE_CHARS = 2000


class ProfileSocketIOOutput(SocketIOOutput):
    """Sends the contract's ``custom`` object as one event the widget can read."""

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Send ``{"custom": json_message}`` to the conversation's room."""
        await self._send_message(recipient_id, {"custom": json_message})


class ProfileSocketIO(SocketIOInput):
    """socket.io for embedded web chats, bound to organisation profiles and their origins."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's name: the webhook stays at /socket.io and the events are the same."""
        return "socketio"

    def get_output_channel(self) -> ProfileSocketIOOutput | None:
        """The output channel for messages sent outside a conversation turn."""
        return ProfileSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io server and its event handlers."""
        # Origins are checked per profile in `connect`, not by python-socketio's global list.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins="*")
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
            profile_id = (auth or {}).get("profile") if isinstance(auth, dict) else None
            profile = get_profile(str(profile_id)) if profile_id else None
            origin = environ.get("HTTP_ORIGIN")
            if profile is None or not origin_allowed(profile, origin):
                # Which origin and profile were refused is useful to staff and says nothing
                # about any user.
                logger.warning(
                    "refused a web chat connection: profile=%s origin=%s", profile_id, origin
                )
                return False
            await sio.save_session(sid, {"profile": profile["id"]}, namespace=self.namespace)
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            wanted = data.get("session_id") if isinstance(data, dict) else None
            session_id = (
                wanted
                if isinstance(wanted, str) and SESSION_ID.fullmatch(wanted)
                else uuid.uuid4().hex
            )
            entered = sio.enter_room(sid, session_id, namespace=self.namespace)
            if inspect.isawaitable(entered):
                await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
                return  # no session: the widget always asks for one first
            if session_id not in sio.rooms(sid, namespace=self.namespace):
                return  # a page may only write into the conversation it joined
            text = data.get("message")
            if not isinstance(text, str) or not text.strip():
                return
            session = await sio.get_session(sid, namespace=self.namespace)
            given = data.get("customData")
            custom: dict[str, Any] = given if isinstance(given, dict) else {}
            metadata = {"profile": session.get("profile"), "channel": "web"}
            if isinstance(custom.get("lang"), str):
                metadata["lang"] = custom["lang"][:16]
            await on_new_message(
                UserMessage(
                    text[:MAX_MESSAGE_CHARS],
                    ProfileSocketIOOutput(sio, self.bot_message_evt),
                    session_id,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )

        return blueprint
