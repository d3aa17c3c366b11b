"""Replies carry the answer contract, sources, buttons, and say when they fall back."""

from __future__ import annotations

from bot import answers


def test_topic_reply_has_contract_next_step_source_and_related_buttons(published: str) -> None:
    reply = answers.topic_reply(topic="rights.totalization", langs=["en"], countries=["NP", "QA"])
    assert reply is not None
    assert reply.custom["topic"] == "rights.totalization"
    assert reply.custom["lang"] == "en"
    assert reply.custom["countries"] == ["NP", "QA"]
    assert reply.custom["sources"]
    assert "Next step:" in reply.text and "Last reviewed:" in reply.text
    assert reply.buttons and all(b["payload"].startswith("/") for b in reply.buttons)


def test_missing_translation_falls_back_to_english_and_says_so(published: str) -> None:
    # Swahili: a language with no content (and no catalog) in this project.
    reply = answers.topic_reply(topic="complaint.appeal", langs=["sw", "en"], countries=[])
    assert reply is not None
    assert reply.custom["lang"] == "en"
    assert reply.custom["requested_lang"] == "sw"
    assert "not yet available in Kiswahili" in reply.text


def test_arabic_answers_are_marked_right_to_left(published: str) -> None:
    reply = answers.topic_reply(topic="complaint.appeal", langs=["ar", "en"], countries=[])
    assert reply is not None and reply.custom["lang"] == "ar" and reply.custom["dir"] == "rtl"
    assert all(line.startswith(answers.RLM) for line in reply.text.split("\n") if line)


def test_greeting_offers_the_four_areas_and_an_area_lists_its_topics(published: str) -> None:
    greet = answers.topic_reply(topic="chat.greet", langs=["en"], countries=[])
    assert greet is not None
    assert [b["payload"] for b in greet.buttons] == [
        answers.menu_payload(a) for a in ("rights", "predeparture", "registration", "complaints")
    ]
    area = answers.topic_reply(topic="chat.menu", langs=["en"], countries=[], area="registration")
    assert area is not None
    assert [b["payload"] for b in area.buttons] == [
        "/registration_social_security",
        "/registration_documents",
        "/registration_check_contributions",
    ]


def test_did_you_mean_lists_candidates_and_a_way_out(published: str) -> None:
    reply = answers.did_you_mean_reply(
        candidates=["rights.portability", "rights.totalization"], langs=["en"]
    )
    assert [b["payload"] for b in reply.buttons] == [
        "/rights_portability",
        "/rights_totalization",
        answers.menu_payload(),
    ]
    assert reply.custom == {
        "kind": "did_you_mean",
        "candidates": ["rights.portability", "rights.totalization"],
        "lang": "en",
        "dir": "ltr",
    }
