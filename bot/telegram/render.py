"""Turn Rasa's messages into Telegram messages: escaped text in pieces Telegram accepts, and
buttons as inline keyboards. Plain functions, tested without Telegram."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Telegram refuses messages over 4096 characters (counted after entities are parsed).
MAX_MESSAGE = 4096
# Telegram shows long button rows cut off on phones: one button per row reads best.
BUTTONS_PER_ROW = 1


@dataclass
class Outgoing:
    """One Telegram message: HTML-escaped text and its buttons as (title, payload) pairs."""

    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at paragraph boundaries where
    possible, then at line ends, then at spaces; never an empty piece."""
    text = text.strip()
    if not text:
        return []
    pieces: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator, 0, limit + 1)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit  # one unbroken run of characters: cut it where it must be cut
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def render(replies: list[dict[str, Any]], limit: int = MAX_MESSAGE) -> list[Outgoing]:
    """Rasa's messages as Telegram messages; ``custom`` parts are for machines and are dropped.

    Text is escaped for HTML parse mode after splitting, so no escape is ever cut in half;
    Telegram counts characters after parsing, so escaping does not count against the limit."""
    outgoing: list[Outgoing] = []
    for reply in replies:
        buttons = [
            (str(b.get("title", "")), str(b.get("payload", "")))
            for b in reply.get("buttons") or []
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        ]
        text = reply.get("text")
        if isinstance(text, str) and text.strip():
            pieces = split_text(text, limit=limit)
            pieces = [html.escape(piece, quote=False) for piece in pieces]
            outgoing.extend(Outgoing(piece) for piece in pieces)
            outgoing[-1].buttons = buttons
        elif buttons and outgoing:
            outgoing[-1].buttons.extend(buttons)
    return outgoing


def keyboard_rows(
    buttons: list[tuple[str, str]], key_for: Callable[[str], str]
) -> list[list[tuple[str, str]]]:
    """Rows of (title, callback_data); ``key_for`` maps a payload to its short key."""
    keyed = [(title[:64], key_for(payload)) for title, payload in buttons]
    return [keyed[i : i + BUTTONS_PER_ROW] for i in range(0, len(keyed), BUTTONS_PER_ROW)]


def lang_of(replies: list[dict[str, Any]]) -> str | None:
    """The language the assistant answered in (the contract's ``custom.lang``), if it said."""
    for reply in reversed(replies):
        custom = reply.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("lang"), str):
            return custom["lang"]
    return None
