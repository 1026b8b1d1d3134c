"""NLU component: a risk-of-harm message becomes intent ``risk_of_harm`` whatever the classifier said.

Put it after ``FallbackClassifier`` in ``config.yml``::

    - name: FallbackClassifier
      threshold: 0.7
    - name: rasa_addons.risk_override.RiskOfHarmOverride

``FallbackClassifier`` only replaces a *low-confidence* top intent with ``nlu_fallback``; a message about
self-harm, abuse or an emergency must never depend on that (anchors §2.3). When
``send_common.risk.is_risk_of_harm(text)`` is true this component sets
``intent = {"name": "risk_of_harm", "confidence": 1.0}`` and puts it on top of the previous ranking
(any earlier ``risk_of_harm`` entry is dropped so it appears once). The rule
``intent: risk_of_harm -> utter_emergency_contacts`` (bot/data/rules/safety.yml) then answers, forms included.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from send_common.risk import risk_kind

logger = logging.getLogger(__name__)

INTENT_NAME_CONFIG_KEY = "intent_name"
DEFAULT_RISK_INTENT = "risk_of_harm"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskOfHarmOverride(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with ``risk_of_harm`` on a curated risk-of-harm match."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {INTENT_NAME_CONFIG_KEY: DEFAULT_RISK_INTENT}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self.intent_name = config.get(INTENT_NAME_CONFIG_KEY) or DEFAULT_RISK_INTENT

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskOfHarmOverride:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            kind = risk_kind(text)
            if kind is None:
                continue
            previous = message.get(INTENT) or {}
            # Never log the text itself: only the kind and what the classifier thought.
            logger.info("Risk of harm (%s): overriding intent %r", kind, previous.get(INTENT_NAME_KEY))
            top = {INTENT_NAME_KEY: self.intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
            previous_ranking = message.get(INTENT_RANKING_KEY) or []
            ranking = [r for r in previous_ranking if r.get(INTENT_NAME_KEY) != self.intent_name]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [dict(top), *ranking], add_to_output=True)
        return messages
