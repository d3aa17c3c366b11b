"""Organisation profiles: the embassies and labour attachés that embed the web chat. Each says
who they are, their corridor (country of origin and of work), their default language, their
contacts, the web origins allowed to use the profile, and their colours.

Staff edit ``profiles/<id>.yml`` and run ``make content`` (``python -m bot.profiles publish``);
the Rasa server, the action server and the web server read the published profiles from the app
database, so a change is live within seconds, without a restart."""

from __future__ import annotations

import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from babel import Locale, UnknownLocaleError
from sqlalchemy import delete, select

from bot.db import OrgProfile, session_factory
from bot.settings import ROOT, get_settings

PROFILES_DIR = ROOT / "profiles"
PROFILE_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
LOGO_PATH = re.compile(r"/logos/[a-z0-9-]+\.(svg|png)")
CONTACT_FIELDS = ("label", "phone", "email", "address", "hours", "note")
# How long a process trusts what it read before reading the database again.
CACHE_SECONDS = 5.0


class ProfileError(ValueError):
    """Profiles that cannot be published, with every problem listed."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower-cased, or None if it is not an http(s) URL."""
    parts = urlsplit(url.strip())
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # "host:8000.evil.example": not a port
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def _territory_known(code: Any) -> bool:
    return isinstance(code, str) and code in Locale.parse("en").territories


def validate(profile: dict[str, Any]) -> list[str]:
    """Every problem of one profile record (an empty list when it is fine)."""
    pid = str(profile.get("id", ""))
    where = f"profile {pid or '?'}"
    errors = []
    if not PROFILE_ID.fullmatch(pid):
        errors.append(f"{where}: id must be 2-63 of a-z 0-9 - (got {pid!r})")
    if not str(profile.get("name", "")).strip():
        errors.append(f"{where}: name is missing")
    for key in ("country_of_origin", "country_of_work"):
        if profile.get(key) is not None and not _territory_known(profile.get(key)):
            errors.append(
                f"{where}: {key} must be an ISO 3166 code such as NP (got {profile.get(key)!r})"
            )
    lang = profile.get("default_lang")
    if lang not in get_settings().supported_langs:
        errors.append(
            f"{where}: default_lang must be one of {', '.join(get_settings().supported_langs)}"
        )
    origins = profile.get("allowed_origins") or []
    if not origins:
        errors.append(f"{where}: allowed_origins is empty: no site could use this profile")
    for origin in origins:
        if origin_of(str(origin)) != str(origin).rstrip("/").lower():
            errors.append(f"{where}: allowed origin {origin!r} must look like https://example.org")
    colour = (profile.get("theme") or {}).get("color", "#0b5394")
    if not COLOUR.fullmatch(str(colour)):
        errors.append(f"{where}: theme.color must look like #0b5394")
    logo = (profile.get("theme") or {}).get("logo")
    if logo is not None and not (
        LOGO_PATH.fullmatch(str(logo)) or str(logo).startswith("https://")
    ):
        errors.append(
            f"{where}: theme.logo must be an https:// address or a path such as /logos/x.svg"
        )
    for i, contact in enumerate(profile.get("contacts") or []):
        if not isinstance(contact, dict) or not contact.get("label"):
            errors.append(f"{where}: contact {i + 1} needs a label")
            continue
        unknown = set(contact) - set(CONTACT_FIELDS)
        if unknown:
            errors.append(f"{where}: contact {i + 1} has unknown fields {sorted(unknown)}")
    return errors


def load_files(directory: Path = PROFILES_DIR) -> list[dict[str, Any]]:
    """Every profile file in ``directory``."""
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.yml"))
    ]


def publish(*, directory: Path = PROFILES_DIR, database_url: str | None = None) -> int:
    """Validate every profile file and replace the published set in one transaction."""
    profiles = load_files(directory)
    errors = [e for p in profiles for e in validate(p)]
    ids = [p.get("id") for p in profiles]
    errors += [f"profile {i}: id used twice" for i in set(ids) if ids.count(i) > 1]
    if errors:
        raise ProfileError(errors)
    now = datetime.utcnow()
    with session_factory(database_url)() as session, session.begin():
        session.execute(delete(OrgProfile))
        for profile in profiles:
            profile["allowed_origins"] = [
                str(o).rstrip("/").lower() for o in profile["allowed_origins"]
            ]
            session.add(OrgProfile(id=profile["id"], data=profile, published_at=now))
    _cache.clear()
    return len(profiles)


_cache: dict[str, tuple[float, dict[str, Any] | None]] = {}


def get_profile(profile_id: str | None) -> dict[str, Any] | None:
    """The published profile ``profile_id``, or None; read again after a few seconds."""
    if not profile_id or not PROFILE_ID.fullmatch(profile_id):
        return None
    cached = _cache.get(profile_id)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    with session_factory()() as session:
        data = session.scalar(select(OrgProfile.data).where(OrgProfile.id == profile_id))
    _cache[profile_id] = (time.monotonic(), data)
    return data


def origin_allowed(profile: dict[str, Any] | None, origin: str | None) -> bool:
    """Whether a page from ``origin`` may use ``profile``."""
    if not profile or not origin:
        return False
    return origin_of(origin) in profile.get("allowed_origins", [])


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.profiles publish``: validate and publish the profile files."""
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] != ["publish"]:
        print("usage: python -m bot.profiles publish", file=sys.stderr)
        return 2
    try:
        count = publish()
    except ProfileError as exc:
        print(
            "Profiles not published:\n" + "\n".join(f"  - {e}" for e in exc.errors), file=sys.stderr
        )
        return 1
    except (UnknownLocaleError, yaml.YAMLError) as exc:
        print(f"Profiles not published: {exc}", file=sys.stderr)
        return 1
    print(f"Published {count} organisation profile(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
