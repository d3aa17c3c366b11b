"""Answer topics from the content store, and offer "did you mean" choices when unsure."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import answers, content, profiles
from bot.langid import Detection, detect
from bot.language import Choice, choose_language
from bot.settings import get_settings
from bot.topics import topic_by_intent
from bot.understanding import (
    EMERGENCY_TOPIC,
    did_you_mean,
    is_emergency,
    looks_like_followup,
    resolve_followup,
)

LANGUAGE_TOPIC = "chat.language"
# The slot that makes the tracker store erase the conversation (bot/tracker_store.py).
ERASE_SLOT = "erase_requested"
# Topic ids, confidences and counts only: message text never reaches a log.
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """What the actions need from the latest user message and the slots."""

    text: str
    intent: str | None
    ranking: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    langs: list[str]
    choice: Choice
    active_lang: str | None
    available: list[str]
    last_topic: str | None
    origin: str | None
    work: str | None
    # The organisation whose web chat the user writes from (set by the channel, not the page).
    profile: dict[str, Any] | None = None

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Turn:
        """Read the latest message and the remembered slots."""
        message = tracker.latest_message or {}
        metadata = message.get("metadata") or {}
        settings = get_settings()
        text = message.get("text") or ""
        entities = message.get("entities") or []
        chosen = next(
            (str(e["value"]) for e in entities if e.get("entity") == "language"),
            tracker.get_slot("lang_choice"),
        )
        available = list(settings.supported_langs)
        # A button payload ("/chat_menu") says nothing about the user's language.
        detection = Detection(None, 0.0, 0) if text.startswith("/") else detect(text)
        choice = choose_language(
            chosen=chosen,
            active=tracker.get_slot("lang"),
            hint=metadata.get("lang") if isinstance(metadata, dict) else None,
            detection=detection,
            available=available,
            default=settings.default_lang,
        )
        return cls(
            text=text,
            intent=(message.get("intent") or {}).get("name"),
            ranking=message.get("intent_ranking") or [],
            entities=entities,
            langs=list(dict.fromkeys([choice.lang, settings.default_lang])),
            choice=choice,
            active_lang=tracker.get_slot("lang"),
            available=available,
            last_topic=tracker.get_slot("last_topic"),
            origin=tracker.get_slot("country_origin"),
            work=tracker.get_slot("country_work"),
            profile=profiles.get_profile(metadata.get("profile"))
            if isinstance(metadata, dict) and isinstance(metadata.get("profile"), str)
            else None,
        )

    def language_events(self) -> list[EventType]:
        """Remember the conversation's language, and the user's explicit choice."""
        events: list[EventType] = []
        if self.choice.reason == "chosen" and self.entity("language"):
            events.append(SlotSet("lang_choice", self.choice.lang))
        if self.choice.lang != self.active_lang:
            events.append(SlotSet("lang", self.choice.lang))
        return events

    def entity(self, name: str) -> str | None:
        """The value of the first entity called ``name`` in this message."""
        return next((str(e["value"]) for e in self.entities if e.get("entity") == name), None)


def remember_countries(turn: Turn) -> tuple[list[EventType], list[str]]:
    """Slot events for the countries this message names, and the ISO codes now in play."""
    origin, work, mentioned = turn.origin, turn.work, []
    for entity in turn.entities:
        if entity.get("entity") != "country":
            continue
        code = str(entity["value"])
        mentioned.append(code)
        if entity.get("role") == "origin":
            origin = code
        elif entity.get("role") == "work":
            work = code
    events: list[EventType] = []
    if origin != turn.origin:
        events.append(SlotSet("country_origin", origin))
    if work != turn.work:
        events.append(SlotSet("country_work", work))
    if turn.profile:
        # An embassy's chat serves its corridor: its countries hold until the user names others.
        origin = origin or turn.profile.get("country_of_origin")
        work = work or turn.profile.get("country_of_work")
    in_play = list(dict.fromkeys([c for c in (origin, work, *mentioned) if c]))
    return events, in_play


def send(dispatcher: CollectingDispatcher, reply: answers.Reply) -> None:
    """Send one reply: text and buttons, then the contract's custom object."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    dispatcher.utter_message(json_message=reply.custom)


def answer(dispatcher: CollectingDispatcher, turn: Turn, topic: str) -> list[EventType]:
    """Send the answer to ``topic``, preceded by emergency guidance when the message needs it."""
    if topic == answers.DELETE_TOPIC and turn.entity("confirm") == "yes":
        # The user pressed "erase everything": the tracker store deletes the conversation when
        # it saves this turn, instead of saving it.
        send(dispatcher, answers.erased_reply(turn.langs))
        logger.info("erasure confirmed")
        return [SlotSet(ERASE_SLOT, True)]
    events, countries = remember_countries(turn)
    events = [*turn.language_events(), *events]
    if topic == LANGUAGE_TOPIC and turn.entity("language"):
        # The user picked a language from the menu: greet them in it, with the area menu.
        topic = "chat.greet"
    topics = [topic]
    if topic != EMERGENCY_TOPIC and is_emergency(turn.text, turn.ranking):
        # An emergency always wins: its guidance comes first, then what else was asked.
        topics.insert(0, EMERGENCY_TOPIC)
    for current in topics:
        reply = answers.topic_reply(
            topic=current,
            langs=turn.langs,
            countries=countries,
            area=turn.entity("area"),
            available=turn.available,
            profile=turn.profile,
        )
        if reply is None:
            logger.error("no published content for topic %s", current)
            send(dispatcher, answers.unavailable_reply(turn.langs))
            return events
        send(dispatcher, reply)
    if turn.choice.offer_menu:
        send(dispatcher, answers.language_menu_reply(langs=turn.langs, available=turn.available))
    logger.info("answered topics=%s lang=%s by=%s", topics, turn.langs[0], turn.choice.reason)
    return [*events, SlotSet("last_topic", topic)]


class ActionAnswerTopic(Action):
    """Answer the topic the NLU recognised, read in the context of the previous answer."""

    def name(self) -> str:
        """Action name used in the domain and rules."""
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Answer the recognised topic."""
        turn = Turn.from_tracker(tracker)
        topic = topic_by_intent()[turn.intent].id if turn.intent in topic_by_intent() else None
        if topic is None:
            send(dispatcher, answers.unavailable_reply(turn.langs))
            return []
        return answer(dispatcher, turn, _in_context(turn) or topic)


class ActionDidYouMean(Action):
    """When the NLU is unsure: use the context, or offer the 2-3 likeliest topics as buttons."""

    def name(self) -> str:
        """Action name used in the domain and rules."""
        return "action_did_you_mean"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Resolve an unsure reading of the latest message."""
        turn = Turn.from_tracker(tracker)
        if is_emergency(turn.text, turn.ranking):
            return answer(dispatcher, turn, EMERGENCY_TOPIC)
        followup = _in_context(turn)
        if followup:
            return answer(dispatcher, turn, followup)
        candidates = did_you_mean(turn.ranking)
        if not candidates:
            return answer(dispatcher, turn, "chat.out_of_scope")
        logger.info("did_you_mean candidates=%s", candidates)
        send(dispatcher, answers.did_you_mean_reply(candidates=candidates, langs=turn.langs))
        if turn.choice.offer_menu:
            send(
                dispatcher, answers.language_menu_reply(langs=turn.langs, available=turn.available)
            )
        events, _countries = remember_countries(turn)
        return [*turn.language_events(), *events]


def _in_context(turn: Turn) -> str | None:
    """The topic a short follow-up ("and if I go back home?") continues, if it is one."""
    if not turn.last_topic or not looks_like_followup(turn.text, get_settings().followup_max_words):
        return None
    last = content.get_answer(topic=turn.last_topic, langs=turn.langs)
    return resolve_followup(
        ranking=turn.ranking, last_topic=turn.last_topic, related=last.related if last else ()
    )
