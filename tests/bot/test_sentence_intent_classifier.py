"""The logistic-regression intent classifier (rasa_addons/sentence_intent_classifier.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.sentence_intent_classifier import SentenceIntentClassifier, sentence_vector

EXAMPLES = {
    "greet": ["hi", "hello", "hiya", "hello there", "good morning"],
    "waiting_time": ["how long is the wait for speech therapy", "waiting list for ot", "how long for camhs"],
    "short_breaks": ["what are short breaks", "is there respite", "tell me about aiming high"],
}


def context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


class Pipeline:
    """Tokenizer and word counts, as in config.yml, in front of the classifier."""

    def __init__(self, tmp_path) -> None:
        self.storage = LocalModelStorage(tmp_path)
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.counts = CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(), self.storage, Resource("counts"), context("counts")
        )

    def featurize_training(self, data: TrainingData) -> None:
        self.tokenizer.process_training_data(data)
        self.counts.train(data)
        self.counts.process_training_data(data)

    def featurize(self, texts: list[str]) -> list[Message]:
        messages = [Message(data={TEXT: t}) for t in texts]
        self.tokenizer.process(messages)
        self.counts.process(messages)
        return messages


@pytest.fixture
def trained(tmp_path):
    pipeline = Pipeline(tmp_path)
    data = TrainingData(
        [Message(data={TEXT: t, INTENT: intent}) for intent, texts in EXAMPLES.items() for t in texts]
    )
    pipeline.featurize_training(data)
    config = {**SentenceIntentClassifier.get_default_config(), "ranking_length": 2}
    classifier = SentenceIntentClassifier.create(config, pipeline.storage, Resource("clf"), context("clf"))
    classifier.train(data)
    return pipeline, config


def test_trains_persists_loads_and_predicts(trained) -> None:
    pipeline, config = trained
    loaded = SentenceIntentClassifier.load(config, pipeline.storage, Resource("clf"), context("clf"))
    assert sorted(loaded.intents) == sorted(EXAMPLES)
    messages = loaded.process(pipeline.featurize(["hello", "how long is the wait for physio", "respite"]))
    assert [m.get(INTENT)["name"] for m in messages] == ["greet", "waiting_time", "short_breaks"]
    for message in messages:
        ranking = message.get("intent_ranking")
        assert len(ranking) == 2 and ranking[0] == message.get(INTENT)
        assert ranking[0]["confidence"] >= ranking[1]["confidence"] and ranking[0]["confidence"] <= 1.0


def test_an_untrained_classifier_predicts_no_intent(tmp_path) -> None:
    pipeline = Pipeline(tmp_path)
    config = SentenceIntentClassifier.get_default_config()
    classifier = SentenceIntentClassifier.load(config, pipeline.storage, Resource("never"), context("never"))
    [message] = classifier.process([Message(data={TEXT: "hello"})])
    assert message.get(INTENT)["name"] is None and message.get("intent_ranking") == []


def test_two_intents_are_enough(tmp_path) -> None:
    pipeline = Pipeline(tmp_path)
    two = {k: EXAMPLES[k] for k in ("greet", "waiting_time")}
    data = TrainingData([Message(data={TEXT: t, INTENT: i}) for i, texts in two.items() for t in texts])
    pipeline.featurize_training(data)
    config = SentenceIntentClassifier.get_default_config()
    classifier = SentenceIntentClassifier.create(config, pipeline.storage, Resource("two"), context("two"))
    classifier.train(data)
    [hello, wait] = classifier.process(pipeline.featurize(["hiya", "waiting list for camhs"]))
    assert hello.get(INTENT)["name"] == "greet" and wait.get(INTENT)["name"] == "waiting_time"


def test_sentence_vector_scales_sparse_blocks_and_weights_dense_ones() -> None:
    message = Message(data={TEXT: "x"})
    sparse = scipy.sparse.coo_matrix(np.array([[3.0, 4.0]]))
    message.add_features(Features(sparse, FEATURE_TYPE_SENTENCE, TEXT, "b_counts"))
    message.add_features(Features(np.array([[0.5, -0.5]]), FEATURE_TYPE_SENTENCE, TEXT, "a_minilm"))
    np.testing.assert_allclose(sentence_vector(message, 2.0), [1.0, -1.0, 0.6, 0.8])
    assert sentence_vector(Message(data={TEXT: "x"}), 2.0) is None
