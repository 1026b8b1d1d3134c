"""Fixed vocabularies of the directory: the two taxonomies and the allowed values of product fields."""

from __future__ import annotations

import uuid

# Stable namespace: taxonomy terms and entries get the same UUID in every database built from the data files.
ID_NAMESPACE = uuid.UUID("5f0c7d0e-2b1a-4c4e-9a53-5e4d4c0ffe11")

CATEGORY_TAXONOMY = "SEND Local Offer category"
NEED_TAXONOMY = "SEND need"

CATEGORIES: dict[str, str] = {
    "education": "Education",
    "health": "Health",
    "mental_health": "Mental health",
    "social_care": "Social care",
    "short_breaks": "Short breaks",
    "leisure": "Leisure",
    "advice": "Advice",
    "transition": "Transition to adulthood",
}

NEEDS: dict[str, str] = {
    "autism": "Autism",
    "adhd": "ADHD",
    "speech_language": "Speech, language and communication",
    "learning_disability": "Learning disability",
    "physical": "Physical disability",
    "sensory": "Sensory (hearing or sight)",
    "mental_health": "Mental health",
    "complex_health": "Complex health needs",
}

TAXONOMIES: dict[str, tuple[str, dict[str, str]]] = {
    "category": (CATEGORY_TAXONOMY, CATEGORIES),
    "need": (NEED_TAXONOMY, NEEDS),
}

TAXONOMY_DESCRIPTIONS = {
    CATEGORY_TAXONOMY: "The kind of support a SEND Local Offer service gives.",
    NEED_TAXONOMY: "The special educational needs or disabilities a service is set up for.",
}

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
REFERRALS = ("self", "professional", "either", "none")
PUBLICATION_STATUSES = ("draft", "published", "archived")
QUESTION_KINDS = ("chat", "search")

ORUK_VERSION = "3.0"
ORUK_PROFILE = "https://openreferraluk.org/UKProfile"

# National contacts only: the council's own safeguarding number comes from settings, never from code.
# Sources: research/anchors.md §7.1. ``number`` is what to dial (or text, when ``kind`` is "text").
EMERGENCY_CONTACTS: list[dict[str, str]] = [
    {
        "name": "Emergency services",
        "kind": "phone",
        "number": "999",
        "contact": "999",
        "description": "If someone is in immediate danger.",
    },
    {
        "name": "NHS 111",
        "kind": "phone",
        "number": "111",
        "contact": "111, or 111.nhs.uk",
        "description": "Urgent health worries. In a mental health crisis choose the mental health option.",
        "url": "https://111.nhs.uk",
    },
    {
        "name": "Childline",
        "kind": "phone",
        "number": "0800 1111",
        "contact": "0800 1111",
        "description": "For children and young people. Free and private.",
    },
    {
        "name": "Samaritans",
        "kind": "phone",
        "number": "116 123",
        "contact": "116 123",
        "description": "Anyone who needs to talk, day or night. Free.",
    },
    {
        "name": "Shout",
        "kind": "text",
        "number": "85258",
        "message": "SHOUT",
        "contact": "Text SHOUT to 85258",
        "description": "Free, confidential support by text, 24/7.",
    },
    {
        "name": "NSPCC helpline",
        "kind": "phone",
        "number": "0808 800 5000",
        "contact": "0808 800 5000",
        "description": "For adults worried about a child.",
    },
]


def stable_id(kind: str, key: str) -> str:
    """A UUID derived from a stable key, e.g. ``stable_id("service", "sefton-sendiass")``."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def term_id(kind: str, code: str) -> str:
    return stable_id(f"taxonomy_term:{kind}", code)


def taxonomy_id(kind: str) -> str:
    return stable_id("taxonomy", kind)
