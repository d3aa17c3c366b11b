"""Rasa's messages as Telegram messages: split, escaped, with buttons that fit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.render import MAX_MESSAGE, keyboard_rows, lang_of, render, split_text


def test_short_text_is_one_piece() -> None:
    assert split_text("Hello.\n\nSecond paragraph.") == ["Hello.\n\nSecond paragraph."]


def test_long_text_splits_at_paragraphs_first() -> None:
    paragraphs = ["A" * 3000, "B" * 3000, "C" * 100]
    pieces = split_text("\n\n".join(paragraphs))
    assert pieces == ["A" * 3000, "B" * 3000 + "\n\n" + "C" * 100]


def test_a_run_without_spaces_is_cut_at_the_limit() -> None:
    pieces = split_text("x" * 10_000)
    assert [len(p) for p in pieces] == [4096, 4096, 1808]


@given(st.text(alphabet=st.sampled_from("ab \n\u0928\u0947"), max_size=12_000))
def test_pieces_fit_and_lose_no_words(text: str) -> None:
    pieces = split_text(text, limit=500)
    assert all(0 < len(p) <= 500 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_text_is_escaped_for_html_and_custom_parts_are_dropped() -> None:
    replies = [
        {"recipient_id": "x", "text": "Use <b> & </b> as you like"},
        {"recipient_id": "x", "custom": {"topic": "chat.greet", "lang": "en"}},
    ]
    [message] = render(replies)
    assert message.text == "Use &lt;b&gt; &amp; &lt;/b&gt; as you like"


def test_buttons_go_on_the_last_piece_of_their_message() -> None:
    replies = [
        {
            "text": "P" * 5000,
            "buttons": [{"title": "Pensions", "payload": "/rights_old_age_pension"}],
        }
    ]
    messages = render(replies)
    assert len(messages) == 2 and all(len(m.text) <= MAX_MESSAGE for m in messages)
    assert messages[0].buttons == []
    assert messages[1].buttons == [("Pensions", "/rights_old_age_pension")]


def test_keyboard_rows_use_short_keys() -> None:
    rows = keyboard_rows([("A", "/a"), ("B", "/b")], key_for=lambda payload: "k" + payload)
    assert rows == [[("A", "k/a")], [("B", "k/b")]]


def test_the_answer_language_comes_from_the_contract() -> None:
    replies = [{"text": "नमस्ते"}, {"custom": {"topic": "chat.greet", "lang": "ne"}}]
    assert lang_of(replies) == "ne"
    assert lang_of([{"text": "hi"}]) is None
