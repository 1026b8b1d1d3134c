"""The domain, the training data and the action code agree with each other."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.bot.conftest import DOMAIN_PATH, ROOT, action_classes, declared_actions

DATA = ROOT / "bot" / "data"
RASA_DEFAULT_ACTIONS = {
    "action_listen",
    "action_deactivate_loop",
    "action_restart",
    "action_session_start",
    "action_default_fallback",
    "action_two_stage_fallback",
    "action_back",
}


def domain() -> dict:
    return yaml.safe_load(DOMAIN_PATH.read_text())


def data_files() -> list[Path]:
    return sorted(DATA.rglob("*.yml"))


def test_every_custom_action_in_the_domain_exists_in_actions():
    classes = action_classes()
    for name in declared_actions(domain()):
        assert name in classes, f"{name} is in the domain but no class in actions/ has that name"


def test_every_action_class_is_declared_in_the_domain():
    declared = set(declared_actions(domain()))
    for name in action_classes():
        assert name in declared, f"{name} is in actions/ but not in bot/domain.yml"


def test_every_response_used_by_actions_and_data_exists():
    responses = set(domain()["responses"])
    used_in_code = set()
    for path in (ROOT / "actions").glob("*.py"):
        used_in_code |= set(re.findall(r"[\"'](utter_[a-z0-9_]+)[\"']", path.read_text()))
    used_in_data = set()
    for path in data_files():
        used_in_data |= set(re.findall(r"action: (utter_[a-z0-9_]+)", path.read_text()))
    assert used_in_code, "no responses found in actions/: the check would be empty"
    assert used_in_code - responses == set()
    assert used_in_data - responses == set()


def test_every_action_in_rules_and_stories_is_known():
    known = (
        set(declared_actions(domain()))
        | set(domain()["responses"])
        | set(domain()["forms"])
        | RASA_DEFAULT_ACTIONS
    )
    for path in data_files():
        for name in re.findall(r"action: ([a-z0-9_]+)", path.read_text()):
            assert name in known, f"{path.name} uses unknown action {name}"


def test_every_intent_has_enough_varied_examples():
    counts: dict[str, int] = {}
    for path in (DATA / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] = counts.get(block["intent"], 0) + block["examples"].count("\n- ")
    for intent in domain()["intents"]:
        assert counts.get(intent, 0) >= 15, f"{intent} has only {counts.get(intent, 0)} examples"


def test_national_numbers_are_only_the_approved_ones():
    approved = {"999", "111", "0800 1111", "116 123", "85258", "0808 800 5000"}
    text = DOMAIN_PATH.read_text()
    numbers = set(re.findall(r"\b\d[\d ]{1,12}\d\b", text))
    numbers = {
        n for n in numbers if len(n.replace(" ", "")) >= 3 and not re.fullmatch(r"\d{1,2} to \d{1,2}", n)
    }
    suspicious = {n for n in numbers if n.strip() not in approved and len(n.replace(" ", "")) >= 5}
    assert suspicious == set()
    for number in approved:
        assert number in text


def test_conditional_variants_never_compete():
    """Rasa picks at random among all matching conditional variants, so exactly one may match."""
    for name, variants in domain()["responses"].items():
        for easy_read in (True, False):
            for council in ("sefton", "knowsley"):
                slots = {"easy_read": easy_read, "council": council}
                matching = [
                    v
                    for v in variants
                    if v.get("condition") and all(slots.get(c["name"]) == c["value"] for c in v["condition"])
                ]
                assert len(matching) <= 1, f"{name}: {len(matching)} variants match {slots}"


def test_endpoints_read_the_action_server_and_tracker_db_from_the_environment(monkeypatch):
    from rasa.core.utils import read_endpoints_from_path

    monkeypatch.setenv("SEND_ACTIONS_URL", "http://127.0.0.1:1234/webhook")
    monkeypatch.setenv("SEND_TRACKER_DB", "/tmp/tracker-test.db")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.action.url == "http://127.0.0.1:1234/webhook"
    assert endpoints.tracker_store.kwargs["db"] == "/tmp/tracker-test.db"
    assert endpoints.tracker_store.type.endswith("RedactingSQLTrackerStore")


def test_rasa_sends_the_domain_only_to_the_actions_that_read_it():
    """Both topologies: the ~40 KB domain goes with a call only when the action is marked send_domain."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    for name in ("endpoints.yml", "endpoints.scaled.yml"):
        action = yaml.safe_load((ROOT / "bot" / name).read_text())["action_endpoint"]
        assert action.get("enable_selective_domain") is True, name
    loaded = Domain.load(DOMAIN_PATH)
    endpoint = EndpointConfig("http://actions.test/webhook", enable_selective_domain=True)
    tracker = DialogueStateTracker("s", loaded.slots)
    settings = RemoteAction("action_read_settings", endpoint)._action_call_format(tracker, loaded)
    search = RemoteAction("action_search_directory", endpoint)._action_call_format(tracker, loaded)
    assert "domain" not in settings and "utter_fragment_not_recorded" in search["domain"]["responses"]


def test_placeholders_do_not_clash_with_utter_message_arguments():
    from actions.common import RESERVED

    for name, variants in domain()["responses"].items():
        for variant in variants:
            used = set(re.findall(r"(?<!\{)\{([a-z_]+)\}(?!\})", variant.get("text", "")))
            assert not used & RESERVED, f"{name} uses {used & RESERVED}"


def test_every_response_appears_in_a_rule_or_story():
    """What `rasa data validate` checks; responses said only by actions go in rules/said_by_actions.yml."""
    used = set()
    for path in data_files():
        used |= set(re.findall(r"action: (utter_[a-z0-9_]+)", path.read_text()))
    assert set(domain()["responses"]) - used == set()
