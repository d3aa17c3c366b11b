"""The content store: validate answer files, publish them to the app database, read answers.

Usage: ``python -m bot.content validate|publish [--content-dir DIR]``. Publishing is atomic:
either every file is valid and the whole set goes live, or nothing changes.

A translation records the fingerprint of the English text it was made from (``translated_from``),
so that a later change of the English shows it as stale (``make coverage``). After checking a
translation against the current English, ``python -m bot.content stamp --lang ne --topic X``
records the new fingerprint.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select

from bot.db import ContentItem, session_factory
from bot.settings import get_settings
from bot.topics import topic_ids

STATUSES = ("draft", "machine-drafted", "reviewed")
REQUIRED_TEXT = ("title", "body", "next_step")
MAX_TITLE = 40
# A run of seven or more digits looks like a phone number: those belong to staff-checked
# contact records, never to free text that a writer may have guessed.
PHONE_LIKE = re.compile(r"\+?\d[\d ().-]{5,}\d")
URL_LIKE = re.compile(r"https?://|www\.", re.IGNORECASE)
FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")


class ContentError(Exception):
    """The content files are not valid; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} content error(s)")
        self.errors = errors


@dataclass(frozen=True)
class Answer:
    """One answer as read from the store, in the language it is written in."""

    topic: str
    lang: str
    title: str
    body: str
    next_step: str
    related: tuple[str, ...]
    sources: tuple[dict[str, str], ...]
    reviewed_on: date
    status: str


def load_files(content_dir: Path) -> list[dict[str, Any]]:
    """Read every ``<lang>/*.yml`` file under ``content_dir`` into a flat list of items."""
    errors: list[str] = []
    items: list[dict[str, Any]] = []
    for path in sorted(content_dir.glob("*/*.yml")):
        where = path.relative_to(content_dir)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            errors.append(f"{where}: not valid YAML ({exc.__class__.__name__})")
            continue
        if data.get("lang") != path.parent.name:
            errors.append(f"{where}: `lang` must be {path.parent.name!r}, the folder's name")
        for index, item in enumerate(data.get("items") or []):
            if not isinstance(item, dict):
                errors.append(f"{where}: item {index} is not a mapping")
                continue
            items.append({**item, "lang": path.parent.name, "_where": f"{where}#{index}"})
    if errors:
        raise ContentError(errors)
    return items


def fingerprint(item: dict[str, Any]) -> str:
    """A short hash of an item's text: what a translation records it was made from."""
    text = "\n".join(str(item.get(field) or "").strip() for field in REQUIRED_TEXT)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def validate(items: Iterable[dict[str, Any]], *, required_lang: str = "en") -> list[str]:
    """Return every problem in ``items``; an empty list means they can be published."""
    known = set(topic_ids())
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        where = item.get("_where", "?")
        topic = item.get("topic")
        if topic not in known:
            errors.append(f"{where}: unknown topic {topic!r}")
            continue
        key = (topic, item["lang"])
        if key in seen:
            errors.append(f"{where}: {topic} appears twice in {item['lang']!r}")
        seen.add(key)
        errors.extend(f"{where} ({topic}): {e}" for e in _item_errors(item, known))
    missing = [t for t in sorted(known) if (t, required_lang) not in seen]
    errors.extend(f"{required_lang}: no answer for topic {t}" for t in missing)
    return errors


def _item_errors(item: dict[str, Any], known: set[str]) -> Iterable[str]:
    for field in REQUIRED_TEXT:
        value = item.get(field)
        if not isinstance(value, str) or not value.strip():
            yield f"`{field}` is missing or empty"
        elif PHONE_LIKE.search(value):
            yield f"`{field}` holds a phone-like number; contacts come from checked records"
        elif URL_LIKE.search(value):
            yield f"`{field}` holds a web address; put addresses in `source` only"
    if isinstance(item.get("title"), str) and len(item["title"]) > MAX_TITLE:
        yield f"`title` is longer than {MAX_TITLE} characters"
    related = item.get("related") or []
    if not isinstance(related, list) or not related:
        yield "`related` must list at least one topic"
    else:
        for other in related:
            if other not in known or other == item["topic"]:
                yield f"`related` has an invalid topic {other!r}"
    sources = item.get("source")
    if not isinstance(sources, list) or not sources:
        yield "`source` must list at least one source"
    else:
        for source in sources:
            if not isinstance(source, dict) or not (
                source.get("instrument") or source.get("institution")
            ):
                yield "each source needs an `instrument` or an `institution`"
            elif source.get("url") and not str(source["url"]).startswith("https://"):
                yield "a source `url` must start with https://"
    reviewed = item.get("reviewed_on")
    if not isinstance(reviewed, date):
        yield "`reviewed_on` must be a date (YYYY-MM-DD)"
    elif reviewed > date.today():
        yield "`reviewed_on` is in the future"
    if item.get("status") not in STATUSES:
        yield f"`status` must be one of {', '.join(STATUSES)}"
    stamp = item.get("translated_from")
    if stamp is not None and not FINGERPRINT.match(str(stamp)):
        yield "`translated_from` must be the 12-character fingerprint written by `stamp`"


def publish(*, content_dir: Path, database_url: str | None = None) -> int:
    """Validate the files and replace the published content with them in one transaction."""
    items = load_files(content_dir)
    errors = validate(items, required_lang=get_settings().default_lang)
    if errors:
        raise ContentError(errors)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with session_factory(database_url).begin() as session:
        session.execute(delete(ContentItem))
        session.add_all(
            ContentItem(
                topic=item["topic"],
                lang=item["lang"],
                title=item["title"].strip(),
                body=item["body"].strip(),
                next_step=item["next_step"].strip(),
                related=list(item["related"]),
                sources=[{k: str(v) for k, v in s.items()} for s in item["source"]],
                reviewed_on=item["reviewed_on"],
                status=item["status"],
                published_at=now,
            )
            for item in items
        )
    return len(items)


def get_answer(
    *, topic: str, langs: Iterable[str], database_url: str | None = None
) -> Answer | None:
    """Return the answer for ``topic`` in the first of ``langs`` that has one."""
    order = list(dict.fromkeys(langs))
    with session_factory(database_url)() as session:
        rows = session.scalars(
            select(ContentItem).where(ContentItem.topic == topic, ContentItem.lang.in_(order))
        ).all()
    if not rows:
        return None
    row = min(rows, key=lambda r: order.index(r.lang))
    return Answer(
        topic=row.topic,
        lang=row.lang,
        title=row.title,
        body=row.body,
        next_step=row.next_step,
        related=tuple(row.related),
        sources=tuple(row.sources),
        reviewed_on=row.reviewed_on,
        status=row.status,
    )


def get_titles(
    *, topics: Iterable[str], langs: Iterable[str], database_url: str | None = None
) -> dict[str, str]:
    """Return the button title of each topic, in the first of ``langs`` that has one."""
    order = list(dict.fromkeys(langs))
    wanted = list(topics)
    with session_factory(database_url)() as session:
        rows = session.execute(
            select(ContentItem.topic, ContentItem.lang, ContentItem.title).where(
                ContentItem.topic.in_(wanted), ContentItem.lang.in_(order)
            )
        ).all()
    # Worst language first, so the best one available overwrites it.
    ranked = sorted(rows, key=lambda r: order.index(r.lang), reverse=True)
    return {topic: title for topic, _lang, title in ranked}


def stamp(*, content_dir: Path, lang: str, topics: set[str] | None = None) -> int:
    """Record, in ``lang``'s files, the fingerprint of the current English of each topic
    (all of them, or ``topics``): "this translation matches the English as it is now"."""
    source_lang = get_settings().default_lang
    current = {
        item["topic"]: fingerprint(item)
        for item in load_files(content_dir)
        if item["lang"] == source_lang
    }
    changed = 0
    for path in sorted((content_dir / lang).glob("*.yml")):
        lines, topic, out = path.read_text(encoding="utf-8").splitlines(), None, []
        for line in lines:
            found = re.match(r"^  - topic: (\S+)", line)
            if found:
                topic = found.group(1)
            if line.startswith("    translated_from:") and (topics is None or topic in topics):
                continue
            out.append(line)
            wanted = topic in current and (topics is None or topic in topics)
            if line.startswith("    status:") and wanted:
                out.append(f"    translated_from: {current[str(topic)]}")
                changed += 1
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line for staff and `make content`."""
    parser = argparse.ArgumentParser(prog="python -m bot.content", description=__doc__)
    parser.add_argument("command", choices=("validate", "publish", "stamp"))
    parser.add_argument("--content-dir", type=Path, default=get_settings().content_dir)
    parser.add_argument("--lang", help="stamp: the translation's language")
    parser.add_argument("--topic", action="append", help="stamp: only these topics")
    args = parser.parse_args(argv)
    try:
        if args.command == "stamp":
            if not args.lang or args.lang == get_settings().default_lang:
                parser.error("stamp needs --lang with a translation's language")
            count = stamp(
                content_dir=args.content_dir,
                lang=args.lang,
                topics=set(args.topic) if args.topic else None,
            )
            print(f"stamped {count} {args.lang} answers as matching the current English")
        elif args.command == "validate":
            errors = validate(load_files(args.content_dir))
            if errors:
                raise ContentError(errors)
            print(f"content valid: {args.content_dir}")
        else:
            count = publish(content_dir=args.content_dir)
            print(f"published {count} answers from {args.content_dir}")
    except ContentError as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"nothing published: {len(exc.errors)} error(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
