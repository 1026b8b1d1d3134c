"""Rasa 3.6 intent classifier: multinomial logistic regression over sentence features.

Put it after the featurizers in ``config.yml`` (DIET then only tags entities)::

    - name: rasa_addons.sentence_intent_classifier.SentenceIntentClassifier
      C: 30
      dense_weight: 2.0

Each message becomes one vector: its text's *sentence* features from every featurizer, in the order of
the featurizers' names: each sparse block (word and character n-gram counts, regex matches) scaled to
unit length, each dense one (the all-MiniLM-L6-v2 embedding from ``MiniLMFeaturizer``) times
``dense_weight``. With about 1,650 examples for 34 intents this generalises much better than DIET's
intent head did on the same features (5-fold figures in docs/benchmarks.md, "## NLU"), and it trains in
seconds.

The fitted weights are stored as a numpy ``.npz`` plus the intent names in JSON, never pickled;
prediction is a softmax in numpy. ``intent_ranking`` lists the top ``ranking_length`` intents.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npz"
META_FILE = "meta.json"


def sentence_vector(message: Message, dense_weight: float) -> np.ndarray | None:
    """The message's text sentence features in one row (blocks in featurizer order); None without any."""
    blocks: list[np.ndarray] = []
    features = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    for feature in sorted(features, key=lambda f: str(f.origin)):
        if feature.is_sparse():
            row = np.asarray(feature.features.todense(), dtype=np.float64).ravel()
            norm = np.linalg.norm(row)
            blocks.append(row / norm if norm > 0 else row)
        else:
            blocks.append(np.asarray(feature.features, dtype=np.float64).ravel() * dense_weight)
    return np.concatenate(blocks) if blocks else None


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression on the sentence features; confidences are its probabilities."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 30.0, "dense_weight": 2.0, "class_weight": None, "max_iter": 5000, "ranking_length": 10}

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        intents: list[str] | None = None,
    ) -> None:
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self.weights, self.bias, self.intents = weights, bias, intents or []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceIntentClassifier:
        return cls(config, model_storage, resource)

    def _rows(self, messages: list[Message]) -> np.ndarray:
        weight = float(self.component_config["dense_weight"])
        return np.stack([sentence_vector(m, weight) for m in messages])

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [
            m for m in training_data.intent_examples if m.get(INTENT) and sentence_vector(m, 1.0) is not None
        ]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("SentenceIntentClassifier needs at least two intents: not trained.")
            return self._resource
        labels = [m.get(INTENT) for m in examples]
        model = LogisticRegression(
            C=float(self.component_config["C"]),
            class_weight=self.component_config.get("class_weight"),
            max_iter=int(self.component_config["max_iter"]),
        )
        model.fit(scipy.sparse.csr_matrix(self._rows(examples)), labels)
        weights, bias = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # binary: p(second) = sigmoid(w.x + b) = softmax([0, w.x + b])
            weights, bias = np.vstack([np.zeros_like(weights), weights]), np.concatenate([[0.0], bias])
        self.weights, self.bias = weights.astype(np.float32), bias.astype(np.float32)
        self.intents = [str(c) for c in model.classes_]
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, weights=self.weights, bias=self.bias)
            (directory / META_FILE).write_text(json.dumps({"intents": self.intents}), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / WEIGHTS_FILE)
                meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
                weights, bias = arrays["weights"], arrays["bias"]
                return cls(config, model_storage, resource, weights, bias, meta["intents"])
        except (ValueError, FileNotFoundError):
            logger.warning("SentenceIntentClassifier was not trained: it will predict nothing.")
            return cls(config, model_storage, resource)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            row = sentence_vector(message, float(self.component_config["dense_weight"]))
            if self.weights is None or row is None:
                nothing = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
                message.set(INTENT, nothing, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            probabilities = softmax(self.weights @ row.astype(np.float32) + self.bias)
            order = np.argsort(-probabilities)[: int(self.component_config["ranking_length"])]
            ranking = [
                {INTENT_NAME_KEY: self.intents[i], PREDICTED_CONFIDENCE_KEY: float(probabilities[i])}
                for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
