"""Custom Rasa NLU components: tokens normalised across spellings, and country mentions as
`country` entities with ISO codes."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.countries import find_countries, normalise

# Arabic letters written several ways for one sound, and the marks people mostly leave out:
# "إقامة" / "اقامة", "مستشفى" / "مستشفي", "ضمانة" / "ضمانه" become one spelling.
ARABIC_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ـ": None}
)
ARABIC_MARKS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670"}


def fold(token: str) -> str:
    """One spelling for the ways a word is typed: case, Latin accents ("pensión" / "pension"),
    Arabic letter variants and vowel marks. Other scripts' vowel signs are kept: they matter."""
    folded = normalise(token).translate(ARABIC_FOLD)
    return "".join(char for char in folded if char not in ARABIC_MARKS)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """Whitespace tokens, folded (see ``fold``) so that spelling variants share features."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Split on whitespace as Rasa does, then fold each token's text."""
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.text = fold(token.text)
            token.lemma = token.text
        return tokens


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CountryExtractor(GraphComponent, EntityExtractorMixin):
    """Adds a `country` entity (value: ISO 3166 code, role: origin/work when clear) per mention."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Search CLDR names in these languages (English is always searched)."""
        return {"languages": ["en"]}

    def __init__(self, config: dict[str, Any]) -> None:
        self._langs = tuple(config["languages"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CountryExtractor:
        """Build the component; it has nothing to train."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave training data as it is: countries come from CLDR, not from annotations."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the country entities found in each message's text."""
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                {
                    "entity": "country",
                    "value": m.code,
                    "start": m.start,
                    "end": m.end,
                    "confidence": 1.0,
                    **({"role": m.role} if m.role else {}),
                }
                for m in find_countries(text, self._langs)
            ]
            if found:
                entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
