"""RiskOfHarmOverride: unit behaviour on real Rasa Messages, then inside a real trained NLU pipeline."""

from __future__ import annotations

import asyncio
import os
import textwrap

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from rasa_addons.risk_override import RiskOfHarmOverride  # noqa: E402

RISKY = [
    "my son has been cutting himself and said he doesnt want to be here anymore",
    "someone at home hurts me",
    "my 15 yr old has barely eaten in weeks and fainted today",
    "I'm worried a disabled child on my street is being hurt. Who do I tell?",
]
ORDINARY = ["how long is the wait for CAMHS", "what is aiming high"]


def make_message(text: str, intent: str = "ask_waiting_time", confidence: float = 0.42) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.1}]
    return Message(
        data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}, INTENT_RANKING_KEY: ranking}
    )


def make_component(**config) -> RiskOfHarmOverride:
    return RiskOfHarmOverride({**RiskOfHarmOverride.get_default_config(), **config})


@pytest.mark.parametrize("text", RISKY)
def test_overrides_fallback_and_keeps_previous_ranking_below(text):
    msg = make_message(text, intent="nlu_fallback", confidence=0.7)
    [out] = make_component().process([msg])
    assert out.get(INTENT) == {"name": "risk_of_harm", "confidence": 1.0}
    assert [r["name"] for r in out.get(INTENT_RANKING_KEY)] == ["risk_of_harm", "nlu_fallback", "greet"]


@pytest.mark.parametrize("text", ORDINARY)
def test_leaves_ordinary_messages_alone(text):
    msg = make_message(text)
    [out] = make_component().process([msg])
    assert out.get(INTENT) == {"name": "ask_waiting_time", "confidence": 0.42}
    assert len(out.get(INTENT_RANKING_KEY)) == 2


def test_risk_intent_appears_once_and_name_is_configurable():
    msg = make_message("i want to kill myself", intent="risk_of_harm", confidence=0.6)
    [out] = make_component().process([msg])
    assert [r["name"] for r in out.get(INTENT_RANKING_KEY)] == ["risk_of_harm", "greet"]
    [out2] = make_component(intent_name="emergency").process([make_message("he is not breathing")])
    assert out2.get(INTENT)["name"] == "emergency"


def test_message_without_text_is_skipped():
    msg = Message(data={INTENT: {"name": "greet", "confidence": 0.9}})
    assert make_component().process([msg])[0].get(INTENT)["name"] == "greet"


@pytest.fixture(scope="module")
def trained_agent(tmp_path_factory):
    """A tiny real NLU model (keyword classifier, no neural training) with the override after fallback."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    root = tmp_path_factory.mktemp("risk_model")
    mp = pytest.MonkeyPatch()
    mp.setenv("RASA_CACHE_DIRECTORY", str(root / "cache"))  # not ./.rasa/cache in the repository
    (root / "config.yml").write_text(
        textwrap.dedent("""\
        recipe: default.v1
        language: en
        assistant_id: risk_override_test
        pipeline:
          - name: WhitespaceTokenizer
          - name: KeywordIntentClassifier
          - name: FallbackClassifier
            threshold: 0.7
          - name: rasa_addons.risk_override.RiskOfHarmOverride
        """)
    )
    (root / "nlu.yml").write_text(
        textwrap.dedent("""\
        version: "3.1"
        nlu:
          - intent: ask_waiting_time
            examples: |
              - how long is the wait
              - waiting list
          - intent: greet
            examples: |
              - hello
              - hi there
          - intent: risk_of_harm
            examples: |
              - emergency
        """)
    )
    model = train_nlu(str(root / "config.yml"), str(root / "nlu.yml"), str(root / "models"))
    assert model
    yield Agent.load(model)
    mp.undo()


@pytest.mark.parametrize("text", RISKY)
def test_real_pipeline_answers_risk_of_harm_whatever_the_confidence(trained_agent, text):
    result = asyncio.run(trained_agent.parse_message(text))
    assert result["intent"] == {"name": "risk_of_harm", "confidence": 1.0}
    assert result["intent_ranking"][0]["name"] == "risk_of_harm"


def test_real_pipeline_still_falls_back_or_classifies_normally(trained_agent):
    def top(text):
        return asyncio.run(trained_agent.parse_message(text))["intent"]["name"]

    assert top("how long is the wait for CAMHS") == "ask_waiting_time"
    assert top("blue cheese") == "nlu_fallback"
