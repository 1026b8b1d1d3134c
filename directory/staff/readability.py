"""The easy-read check: Flesch reading ease of at least 80 (textstat 0.7.8), the same rule the live check uses."""

from __future__ import annotations

import re

EASY_READ_MIN_FLESCH = 80.0
EASY_READ_MAX_WORDS_PER_SENTENCE = 15


def flesch(text: str) -> float:
    import textstat  # imported when first needed: keeps start-up light

    return float(textstat.flesch_reading_ease(text))


def easy_read_problem(text: str) -> str | None:
    """A plain-words message when the easy-read summary is too hard to read, else None."""
    text = (text or "").strip()
    if not text:
        return None
    score = flesch(text)
    if score < EASY_READ_MIN_FLESCH:
        return (
            f"Easy read summary is too hard to read (score {score:.0f}, needs {EASY_READ_MIN_FLESCH:.0f} "
            "or more): use short sentences and everyday words"
        )
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if len(sentence.split()) > EASY_READ_MAX_WORDS_PER_SENTENCE:
            return (
                f"Easy read summary has a sentence longer than {EASY_READ_MAX_WORDS_PER_SENTENCE} words: "
                "split it into shorter sentences"
            )
    return None
