"""Compose the assistant's replies from the content store: text, buttons and the contract's
``custom`` object. Plain functions: no Rasa types, so they are tested on their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date

from bot import content
from bot.i18n import N_, gettext_for, ui_language
from bot.language import cldr_locale, language_name, text_direction
from bot.topics import AREAS, intent_for, topics_in_area

# Conversation topics answer briefly: no "next step" or source lines under a greeting.
PLAIN_TOPICS = ("chat.",)
MENU_TOPICS = ("chat.greet", "chat.menu")
LANGUAGE_TOPIC = "chat.language"
RLM = "\u200f"
DELETE_TOPIC = "privacy.delete"
ERASE_PAYLOAD = '/privacy_delete{"confirm":"yes"}'
# Answers that carry the contacts of the organisation whose web chat the user is in.
CONTACT_TOPICS = ("complaint.embassy", "help.human", "complaint.procedure", "complaint.unpaid")


@dataclass
class Reply:
    """One message to send: text, buttons (title + payload), and the machine-readable part."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)


def area_titles(lang: str) -> dict[str, str]:
    """The menu areas' labels in ``lang``."""
    _ = gettext_for(lang)
    return {
        "rights": _("Your rights"),
        "predeparture": _("Before you leave"),
        "registration": _("Registering at work"),
        "complaints": _("Problems and complaints"),
    }


def menu_payload(area: str | None = None) -> str:
    """The button payload that opens the menu, or one area of it."""
    return '/chat_menu{"area":"' + area + '"}' if area else "/chat_menu"


def topic_buttons(topics: list[str], langs: list[str]) -> list[dict[str, str]]:
    """Buttons that ask about each topic, labelled with the topic's title."""
    titles = content.get_titles(topics=topics, langs=langs)
    return [{"title": titles[t], "payload": "/" + intent_for(t)} for t in topics if t in titles]


def _source_line(answer: content.Answer, lang: str) -> str:
    _ = gettext_for(lang)
    sources = "; ".join(
        ", ".join(s[k] for k in ("instrument", "article", "institution") if s.get(k))
        for s in answer.sources
    )
    checked = format_date(answer.reviewed_on, format="medium", locale=cldr_locale(lang))
    line = _("Source: {sources}. Last reviewed: {date}.").format(sources=sources, date=checked)
    if answer.status != "reviewed":
        line += " " + _("(Draft: not yet reviewed by staff.)")
    return line


def topic_reply(
    *,
    topic: str,
    langs: list[str],
    countries: list[str],
    area: str | None = None,
    available: list[str] | None = None,
    profile: dict[str, Any] | None = None,
) -> Reply | None:
    """The answer to ``topic`` in the first of ``langs`` that has it, or None if none does;
    with the organisation's contacts when the user writes from its web chat."""
    answer = content.get_answer(topic=topic, langs=langs)
    if answer is None:
        return None
    _ = gettext_for(answer.lang)
    parts: list[str] = []
    if answer.lang != langs[0]:
        parts.append(_fallback_note(requested=langs[0], given=answer.lang, langs=langs))
    parts.append(answer.body)
    if profile and topic in CONTACT_TOPICS and profile.get("contacts"):
        parts.append(contacts_block(profile, answer.lang))
    if not topic.startswith(PLAIN_TOPICS):
        parts.append(_("Next step: {step}").format(step=answer.next_step))
        parts.append(_source_line(answer, answer.lang))
    if topic in MENU_TOPICS and area in AREAS:
        buttons = topic_buttons([t.id for t in topics_in_area(area)], langs)
    elif topic in MENU_TOPICS:
        buttons = [
            {"title": title, "payload": menu_payload(key)}
            for key, title in area_titles(answer.lang).items()
        ]
    elif topic == LANGUAGE_TOPIC and available:
        buttons = language_buttons(available)
    else:
        buttons = topic_buttons(list(answer.related), langs)
    if topic == DELETE_TOPIC:
        buttons.insert(0, {"title": _("Yes, erase everything"), "payload": ERASE_PAYLOAD})
    custom: dict[str, Any] = {
        "topic": answer.topic,
        "lang": answer.lang,
        "dir": text_direction(answer.lang),
        "status": answer.status,
        "reviewed_on": answer.reviewed_on.isoformat(),
        "sources": list(answer.sources),
    }
    if countries:
        custom["countries"] = countries
    if answer.lang != langs[0]:
        custom["requested_lang"] = langs[0]
    if profile:
        custom["profile"] = profile["id"]
    return Reply(text=directed("\n\n".join(parts), answer.lang), buttons=buttons, custom=custom)


def contacts_block(profile: dict[str, Any], lang: str) -> str:
    """The organisation's contacts as staff entered them; what they have not entered is said
    to be unconfirmed, never guessed."""
    _ = gettext_for(ui_language([lang]))
    labels = {
        "phone": _("Phone"),
        "email": _("Email"),
        "address": _("Address"),
        "hours": _("Opening hours"),
    }
    lines = [_("Contacts of {organisation}:").format(organisation=profile["name"])]
    for contact in profile.get("contacts") or []:
        known = [f"{labels[k]}: {contact[k]}" for k in labels if contact.get(k)]
        details = "; ".join(known) if known else _("details not yet confirmed by staff")
        lines.append(f"- {contact['label']}: {details}")
        if contact.get("note"):
            lines.append(f"  {contact['note']}")
    return "\n".join(lines)


def _fallback_note(*, requested: str, given: str, langs: list[str]) -> str:
    # Said in the user's language when its interface strings exist, so that it is understood.
    note_lang = ui_language(langs)
    _ = gettext_for(note_lang)
    return _("This answer is not yet available in {language}; here it is in {fallback}.").format(
        language=language_name(requested), fallback=language_name(given, note_lang)
    )


def directed(text: str, lang: str) -> str:
    """Start every line of a right-to-left answer with a right-to-left mark, so that lines
    opening with a Latin word or a number ("ILO C118 ...") still read right to left."""
    if text_direction(lang) != "rtl":
        return text
    return "\n".join(RLM + line if line else line for line in text.split("\n"))


def language_buttons(available: list[str]) -> list[dict[str, str]]:
    """One button per language, each labelled with the language's own name (CLDR)."""
    return [
        {"title": language_name(lang), "payload": '/chat_language{"language":"' + lang + '"}'}
        for lang in available
    ]


def language_menu_reply(*, langs: list[str], available: list[str]) -> Reply:
    """Offer every language the assistant speaks (after an answer in the default language)."""
    lang = ui_language(langs)
    _ = gettext_for(lang)
    return Reply(
        text=directed(_("Choose your language:"), lang),
        buttons=language_buttons(available),
        custom={
            "kind": "language_menu",
            "lang": lang,
            "dir": text_direction(lang),
            "languages": list(available),
        },
    )


def did_you_mean_reply(*, candidates: list[str], langs: list[str]) -> Reply:
    """Ask which of the likeliest topics the user meant, as buttons."""
    lang = ui_language(langs)
    _ = gettext_for(lang)
    buttons = topic_buttons(candidates, langs)
    buttons.append({"title": _("Something else"), "payload": menu_payload()})
    return Reply(
        text=directed(_("I am not sure I understood. Did you mean one of these?"), lang),
        buttons=buttons,
        custom={
            "kind": "did_you_mean",
            "candidates": candidates,
            "lang": lang,
            "dir": text_direction(lang),
        },
    )


def notice_reply(langs: list[str], message: str, kind: str) -> Reply:
    """A one-line notice of the assistant's own (``message`` marked with N_), in the user's
    language when its catalog exists."""
    lang = ui_language(langs)
    _ = gettext_for(lang)
    return Reply(
        text=directed(_(message), lang),
        custom={"kind": kind, "lang": lang, "dir": text_direction(lang)},
    )


def erased_reply(langs: list[str]) -> Reply:
    """Said once the conversation is erased (the tracker store deletes it as the turn ends)."""
    return notice_reply(langs, N_("Done: everything I kept about you is erased."), "erased")


def unavailable_reply(langs: list[str]) -> Reply:
    """Said when the content store has no answer at all (it was never published)."""
    message = N_("Sorry, I cannot answer this right now. Please try again later.")
    return notice_reply(langs, message, "error")
