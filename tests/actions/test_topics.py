"""The topic actions, run as rasa-sdk runs them, against a real published content store."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import ActionAnswerTopic, ActionDidYouMean


def tracker(
    text: str,
    intent: str,
    ranking: list[tuple[str, float]] | None = None,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    ranked = [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 0.9)])]
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": ranked[0]["confidence"]},
        "intent_ranking": ranked,
        "entities": entities or [],
        "metadata": metadata or {},
    }
    return Tracker("user-1", slots or {}, message, [], False, None, {}, "action_listen")


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


def customs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if m.get("custom")]


async def test_answers_the_recognised_topic_and_remembers_it(published: str) -> None:
    messages, events = await run(
        ActionAnswerTopic(), tracker("how do i appeal the refusal", "complaint_appeal")
    )
    assert [c["topic"] for c in customs(messages)] == ["complaint.appeal"]
    assert {"event": "slot", "name": "last_topic", "value": "complaint.appeal"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


async def test_emergency_guidance_comes_first(published: str) -> None:
    messages, _ = await run(
        ActionAnswerTopic(),
        tracker("boss beats me and no salary 3 months", "complaint_unpaid"),
    )
    assert [c["topic"] for c in customs(messages)] == ["help.emergency", "complaint.unpaid"]


async def test_countries_are_remembered_with_their_roles(published: str) -> None:
    entities = [
        {"entity": "country", "value": "NP", "role": "origin"},
        {"entity": "country", "value": "QA", "role": "work"},
    ]
    messages, events = await run(
        ActionAnswerTopic(),
        tracker("from nepal work in qatar", "rights_totalization", entities=entities),
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["country_origin"] == "NP" and slots["country_work"] == "QA"
    assert customs(messages)[0]["countries"] == ["NP", "QA"]


async def test_unsure_reading_offers_buttons(published: str) -> None:
    ranking = [("nlu_fallback", 0.45), ("rights_portability", 0.3), ("rights_totalization", 0.2)]
    messages, _ = await run(ActionDidYouMean(), tracker("pension thing", "nlu_fallback", ranking))
    assert customs(messages) == [
        {
            "kind": "did_you_mean",
            "candidates": ["rights.portability", "rights.totalization"],
            "lang": "en",
            "dir": "ltr",
        }
    ]
    assert len(messages[0]["buttons"]) == 3


async def test_unsure_followup_is_read_in_the_context_of_the_last_answer(published: str) -> None:
    ranking = [("nlu_fallback", 0.45), ("predeparture_checklist", 0.3), ("rights_portability", 0.2)]
    t = tracker(
        "and if i go back home?",
        "nlu_fallback",
        ranking,
        slots={"last_topic": "rights.old_age_pension"},
    )
    messages, _ = await run(ActionDidYouMean(), t)
    assert [c["topic"] for c in customs(messages)] == ["rights.portability"]


async def test_a_hint_sets_the_conversation_language(published: str) -> None:
    messages, events = await run(
        ActionAnswerTopic(), tracker("/chat_greet", "chat_greet", metadata={"lang": "es-MX"})
    )
    assert customs(messages)[0]["lang"] == "es"
    assert {"event": "slot", "name": "lang", "value": "es", "timestamp": None} in events


async def test_the_conversation_language_is_kept_for_a_short_word(published: str) -> None:
    messages, events = await run(
        ActionAnswerTopic(), tracker("pension?", "rights_old_age_pension", slots={"lang": "ne"})
    )
    assert customs(messages)[0]["lang"] == "ne"
    assert not [e for e in events if e.get("name") == "lang"]


async def test_choosing_a_language_greets_in_it_and_remembers_the_choice(published: str) -> None:
    choice = [{"entity": "language", "value": "ar"}]
    messages, events = await run(
        ActionAnswerTopic(),
        tracker('/chat_language{"language":"ar"}', "chat_language", entities=choice),
    )
    assert [(c["topic"], c["lang"]) for c in customs(messages)] == [("chat.greet", "ar")]
    names = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert names["lang_choice"] == "ar" and names["lang"] == "ar"


async def test_asking_about_languages_offers_every_language_by_its_own_name(published: str) -> None:
    messages, _ = await run(ActionAnswerTopic(), tracker("/chat_language", "chat_language"))
    buttons = next(m["buttons"] for m in messages if m.get("buttons"))
    assert len(buttons) == 10 and {"नेपाली", "العربية", "Filipino"} <= {b["title"] for b in buttons}


async def test_the_delete_answer_offers_erasure_and_confirming_asks_the_store_to_erase(
    published: str,
) -> None:
    messages, _ = await run(ActionAnswerTopic(), tracker("delete my data", "privacy_delete"))
    payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert payloads[0] == '/privacy_delete{"confirm":"yes"}'
    confirm = [{"entity": "confirm", "value": "yes"}]
    messages, events = await run(
        ActionAnswerTopic(),
        tracker('/privacy_delete{"confirm":"yes"}', "privacy_delete", entities=confirm),
    )
    assert customs(messages) == [{"kind": "erased", "lang": "en", "dir": "ltr"}]
    assert [(e["name"], e["value"]) for e in events] == [("erase_requested", True)]


async def test_an_embassy_chat_answers_with_its_contacts_and_corridor(published: str) -> None:
    from bot import profiles

    profiles.publish(database_url=published)
    messages, _ = await run(
        ActionAnswerTopic(),
        tracker(
            "how can my embassy help",
            "complaint_embassy",
            metadata={"profile": "demo-np-qa", "lang": "en"},
        ),
    )
    [custom] = customs(messages)
    assert custom["profile"] == "demo-np-qa" and custom["countries"] == ["NP", "QA"]
    assert "not yet confirmed by staff" in messages[0]["text"]
