"""rasa_addons/action_validation.py: the Rasa server checks the action server's answers exactly as before,
against a validator built once instead of re-checking the schema on every call."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_addons import action_validation

VALID = [
    {
        "events": [{"event": "slot", "name": "council", "value": "sefton"}],
        "responses": [{"response": "utter_greet"}],
    },
    {"events": [], "responses": [{"custom": {"type": "service_cards", "services": []}}]},
    {},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": "council"}]},  # a slot event needs a value
    {"events": [{"event": "no_such_event"}]},
    {"responses": "text"},
]


def remote_action() -> RemoteAction:
    return RemoteAction("action_search_directory", None)


def test_the_tracker_store_installs_it():
    import rasa_addons.redacting_tracker_store  # noqa: F401 - what the Rasa server loads from endpoints.yml

    assert RemoteAction._validate_action_result is action_validation.validate_action_result
    assert action_validation.install() is True  # a second call changes nothing
    assert action_validation.compiled_validator() is action_validation.compiled_validator()


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_pass_as_with_jsonschema_validate(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert remote_action()._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_fail_with_the_same_error_as_jsonschema_validate(result):
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as ours:
        remote_action()._validate_action_result(result)
    assert ours.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in ours.value.message
    assert list(ours.value.absolute_path) == list(original.value.absolute_path)
