"""Every response the assistant can say is plain: easy-read variants score Flesch reading ease >= 80,
standard variants Flesch-Kincaid grade <= 9 (textstat 0.7.8; placeholders and URLs are left out)."""

from __future__ import annotations

import re

import pytest
import textstat
import yaml

from tests.bot.conftest import DOMAIN_PATH

EASY_MIN_READING_EASE = 80
STANDARD_MAX_GRADE = 9
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
URL = re.compile(r"https?://\S+|www\.\S+")


def clean(text: str) -> str:
    text = URL.sub(" ", PLACEHOLDER.sub(" ", text))
    # One idea per line: a line without its own full stop is still a sentence.
    lines = [line.strip(" -") for line in text.splitlines()]
    return " ".join(
        line if line.endswith((".", "?", "!", ":")) else f"{line}." for line in lines if line.strip(" .:")
    )


def is_easy(variant: dict) -> bool:
    return any(
        c.get("name") == "easy_read" and c.get("value") is True for c in variant.get("condition") or []
    )


def variants():
    responses = yaml.safe_load(DOMAIN_PATH.read_text())["responses"]
    for name, items in responses.items():
        for index, variant in enumerate(items):
            if variant.get("text") and clean(variant["text"]).strip(" ."):
                yield pytest.param(name, variant, id=f"{name}[{index}]{'-easy' if is_easy(variant) else ''}")


def test_textstat_is_the_pinned_offline_version():
    version = textstat.__version__
    text = ".".join(map(str, version)) if isinstance(version, tuple) else str(version)
    assert text == "0.7.8"


@pytest.mark.parametrize(("name", "variant"), list(variants()))
def test_response_is_readable(name, variant):
    text = clean(variant["text"])
    if is_easy(variant):
        score = textstat.flesch_reading_ease(text)
        assert score >= EASY_MIN_READING_EASE, f"{name} easy-read scores {score}: {text}"
    else:
        grade = textstat.flesch_kincaid_grade(text)
        assert grade <= STANDARD_MAX_GRADE, f"{name} scores grade {grade}: {text}"


def test_every_response_has_an_easy_read_and_a_standard_variant():
    responses = yaml.safe_load(DOMAIN_PATH.read_text())["responses"]
    for name, items in responses.items():
        assert any(is_easy(v) for v in items), f"{name} has no easy-read variant"
        assert any(not is_easy(v) for v in items), f"{name} has no standard variant"
