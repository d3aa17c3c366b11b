"""A stand-in for Telegram's Bot API on loopback: enough of it for the bridge to run against,
over real HTTP, as it would against api.telegram.org or a self-hosted telegram-bot-api.

Tests queue updates (as Telegram would deliver them), then read what the bot called."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Assistant", "username": "mw_test_bot"}


class BotApiStandIn:
    """Serves ``/bot<token>/<method>`` and records every call."""

    # Update ids go on from one stand-in to the next, as one bot's do in Telegram.
    _update_ids = itertools.count(random.randint(10**6, 10**8))

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._pending: list[dict[str, Any]] = []
        self._offset = 0
        self._message_ids = itertools.count(1000)
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._closing = False

    # ---- running ----------------------------------------------------------------------

    def start(self) -> BotApiStandIn:
        """Serve on a free loopback port in a thread of its own."""
        started = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._start())
            started.set()
            self._loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        if not started.wait(10):
            raise RuntimeError("Bot API stand-in did not start")
        return self

    async def _start(self) -> None:
        self._wake = asyncio.Event()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        """Stop serving."""
        if self._loop and self._runner:
            self._closing = True
            if self._wake:
                self._loop.call_soon_threadsafe(self._wake.set)  # end a waiting long poll
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)

    @property
    def url(self) -> str:
        """The base URL to give the bridge as TELEGRAM_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}"

    # ---- what tests do ----------------------------------------------------------------

    def push(self, update: dict[str, Any], *, redeliver: bool = False) -> int:
        """Queue an update for getUpdates; ``redeliver`` queues it even if it was confirmed,
        as Telegram does when a bot stopped before confirming what it had fetched."""
        update = dict(update)
        update.setdefault("update_id", self.next_update_id())
        if redeliver:
            update["_redeliver"] = True
        with self._changed:
            self._pending.append(update)
        if self._loop and self._wake:
            self._loop.call_soon_threadsafe(self._wake.set)
        return update["update_id"]

    def next_update_id(self) -> int:
        """A fresh update id."""
        return next(BotApiStandIn._update_ids)

    def wait_for(
        self,
        method: str,
        where: Callable[[dict[str, Any]], bool] = lambda _: True,
        *,
        after: int = 0,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        """The first call of ``method`` (from call number ``after`` on) matching ``where``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for name, params in self.calls[after:]:
                    if name == method and where(params):
                        return params
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({name for name, _ in self.calls[after:]})
                    raise TimeoutError(f"no {method} call matched within {timeout}s; saw {seen}")
                self._changed.wait(remaining)

    def sent(self, chat_id: int, *, after: int = 0) -> list[dict[str, Any]]:
        """The messages sent to ``chat_id`` (from call number ``after`` on)."""
        return [
            p for name, p in self.calls[after:] if name == "sendMessage" and p["chat_id"] == chat_id
        ]

    def mark(self) -> int:
        """The number of calls so far: pass it as ``after`` to look only at what follows."""
        with self._changed:
            return len(self.calls)

    # ---- the Bot API ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _params(request)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            with self._changed:
                self.calls.append((method, params))
                self._changed.notify_all()
            answer = getattr(self, f"_{method}", None)
            if answer is None:
                return web.json_response(
                    {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
                )
            result = answer(params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        with self._changed:
            self.calls.append(("getUpdates", {"offset": offset}))
            self._changed.notify_all()
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                # An offset confirms every update below it, as in Telegram.
                self._offset = max(self._offset, offset)
                self._pending = [
                    u
                    for u in self._pending
                    if u["update_id"] >= self._offset or u.get("_redeliver")
                ]
                ready = [
                    u for u in self._pending if u["update_id"] >= offset or u.get("_redeliver")
                ]
                for update in ready:
                    update.pop("_redeliver", None)
                if ready:
                    return [{k: v for k, v in u.items()} for u in ready[:100]]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return []
            assert self._wake is not None
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), remaining)
            except asyncio.TimeoutError:
                return []

    def _getMe(self, _params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - Bot API names
        return BOT_USER

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": params["chat_id"], "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _sendChatAction(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _answerCallbackQuery(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _setMyCommands(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _deleteWebhook(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _setWebhook(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    """The call's parameters. python-telegram-bot posts a form whose values are JSON, except
    strings, which it sends as they are."""
    if request.content_type == "application/json":
        return await request.json()
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if not isinstance(value, str) or key == "text":
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


# ---- updates as Telegram sends them ---------------------------------------------------------


def user(user_id: int, language_code: str | None = None) -> dict[str, Any]:
    """A Telegram user."""
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Worker"}
    if language_code:
        data["language_code"] = language_code
    return data


def message_update(
    user_id: int, text: str | None = None, *, language_code: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A private message from ``user_id``: text (commands get their entity) or ``extra`` parts."""
    message: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 1_000_000_000,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Worker"},
        "from": user(user_id, language_code),
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"message": message}


def button_update(user_id: int, data: str, *, language_code: str | None = None) -> dict[str, Any]:
    """A press on an inline button whose callback data is ``data``."""
    return {
        "callback_query": {
            "id": f"cq{time.time_ns()}",
            "from": user(user_id, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "...",
            },
        }
    }


def keyboard(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline buttons of a sent message, flattened."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]
