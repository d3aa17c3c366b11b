"""Language detection, restricted to the supported languages, robust to Romanised text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import langid

CORPUS = {
    "en": [
        "do i get my pension if i go back home",
        "my employer did not pay my salary",
        "how do i register for social security",
        "i was injured at work what can i do",
        "can i complain about my agency",
    ],
    "ne": [
        "malai pension paucha ki nai",
        "mero sahu le talab diyena",
        "social security ma kasari darta garne",
        "kaam garda chot lagyo aba k garne",
        "agency ko bare ma ujuri kaha garne",
        "मलाई पेन्सन पाउँछ कि पाउँदैन",
    ],
    "hi": [
        "mujhe pension milega ya nahi",
        "mere malik ne tankhwah nahi di",
        "social security mein kaise register karen",
        "kaam par chot lagi ab kya karun",
        "agency ki shikayat kahan karen",
        "मुझे पेंशन मिलेगी या नहीं",
    ],
}


@pytest.fixture(scope="module")
def classifier():  # noqa: ANN201 - a fitted scikit-learn pipeline
    return langid.train(CORPUS)


def test_romanised_nepali_is_nepali_not_hindi(classifier) -> None:  # noqa: ANN001
    assert langid.detect("dai malai talab diyena k garne", classifier).lang == "ne"
    assert langid.detect("malik ne paisa nahi diya kya karun", classifier).lang == "hi"


def test_scripts_no_supported_language_uses_are_unsupported(classifier) -> None:  # noqa: ANN001
    detection = langid.detect("Мне не заплатили зарплату", classifier)
    assert detection.lang is None and detection.unsupported_script


def test_messages_without_letters_have_no_language(classifier) -> None:  # noqa: ANN001
    assert langid.detect("123 ??", classifier).lang is None


def test_training_reads_language_folders_and_skips_mixed_intents(tmp_path: Path) -> None:
    for lang, intent, text in [
        ("en", "chat_greet", "hello"),
        ("en", "chat_out_of_scope", "namaste hajur"),
        ("ne", "chat_greet", "namaste"),
    ]:
        folder = tmp_path / lang
        folder.mkdir(exist_ok=True)
        (folder / f"{intent}.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n    - {text}\n'
        )
    assert langid.examples_by_language(tmp_path) == {"en": ["hello"], "ne": ["namaste"]}
