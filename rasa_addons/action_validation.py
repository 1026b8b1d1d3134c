"""Faster checking of the action server's answers in the Rasa server (Rasa Open Source 3.6.21 only).

Rasa checks every answer of the action server with ``jsonschema.validate(result, schema)``, and that first
checks the schema itself against the JSON Schema meta-schema, every time: about 14 ms of CPU per custom
action call on our machine, and a search turn makes two calls (``action_read_settings`` for the slots, then
the action itself). ``install()`` replaces ``RemoteAction._validate_action_result`` with the same check
against a validator built once: the same schema, the same errors (``best_match``, as ``jsonschema.validate``
raises) with Rasa's own hint appended, about 0.2 ms. It is called when ``rasa_addons`` is imported by a Rasa
process (for our pipeline components) and by the redacting tracker store, so every Rasa server of this
project gets it; with another Rasa version it does nothing and Rasa's own check runs (docs/benchmarks.md,
"Turn latency").
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

RASA_VERSION = "3.6.21"


@lru_cache(maxsize=1)
def compiled_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action call
    return validator_class(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once."""
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(compiled_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install(*, import_rasa: bool = True) -> bool:
    """Patches Rasa 3.6.21's RemoteAction; True when the faster check is (now) in place.

    With ``import_rasa=False`` it only patches a Rasa that is already imported (as it is in the Rasa server
    before it loads our components), so importing ``rasa_addons`` alone stays light."""
    if not import_rasa and "rasa.core.actions.action" not in sys.modules:
        return False
    try:
        import rasa
        from rasa.core.actions.action import RemoteAction
    except ImportError:  # not in the Rasa runtime
        return False
    if RemoteAction._validate_action_result is validate_action_result:
        return True
    if rasa.__version__ != RASA_VERSION:
        return False
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    return True
