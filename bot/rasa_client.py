"""Talk to the Rasa server's REST channel from another process (the Telegram bridge)."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with something that is not a list of messages."""


class RasaClient:
    """An HTTP client for ``POST /webhooks/rest/webhook``; open it once, close it on shutdown."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = url
        self._client = httpx.AsyncClient(timeout=timeout)

    async def send(
        self, *, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send one user message; return the bot's messages, in order."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self._client.post(self.url, json=body)
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            # The exception's text may hold the request: name its type only.
            raise RasaUnavailable(type(exc).__name__) from None
        if not isinstance(replies, list) or not all(isinstance(r, dict) for r in replies):
            raise RasaUnavailable("unexpected reply shape")
        return replies

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
