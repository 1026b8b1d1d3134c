"""Spot risk of harm in a message so emergency contacts come first, whatever the NLU says. Pure stdlib.

Curated regexes over normalised text (lower case, apostrophes dropped, punctuation to spaces except
sentence ends), with common misspellings and young-person wording. Kinds, most urgent first:
suicide, medical_emergency, self_harm, abuse, child_in_danger.

Borderline choices (documented in tests/common/test_risk.py and docs/privacy.md):
- Self-injury in autism ("he bites himself when overwhelmed", "hits himself") counts as self_harm: the
  cost of showing emergency contacts first is small, the cost of missing real self-harm is not.
- "hit me" / "hurts me" counts as abuse even when a parent describes a child's meltdown (child-to-parent
  violence is still a safety matter); "it hurts me to see him struggle" does not.
- "hurt feelings", "hurt his leg at physio", "no sense of danger", "in danger of being excluded",
  "risk of harm assessment", "seizures" (without "won't stop"), picky eating do not count.
"""

from __future__ import annotations

import re

_REFL = r"(?:my|me|him|her|them|your|ur|our|one|his|thy)\s?s(?:el|le|elv)(?:f|ves|fs|es)"
_ME = r"me\b(?! (?:to (?:see|watch|think|say|know|hear|admit|it)|out|off|up|at (?:chess|games|football)))"
_NOT = r"(?:dont|doesnt|didnt|do not|does not|did not|never|no longer|not)"

PATTERNS: dict[str, list[str]] = {
    "suicide": [
        r"\bsu(?:i|e)?(?:c|s)i?d(?:e|al|ial|le)",  # suicide, suicidal, sucide, suiside, suicidle
        rf"\b(?:kill|kil|killing|kills|killed|unalive|unaliving|hang|hanging|hung|end|ending)\w*\s+{_REFL}",
        r"\b(?:end|ending|take|taking|took)\s+(?:my|his|her|their|your)\s+(?:own\s+)?(?:life|lives)\b",
        r"\bend(?:ing)? it all\b|\bkms\b",
        r"\b(?:want|wants|wanted|wanna|going|gonna|planning|plans|tried|trying)\s+(?:to\s+)?(?:die|be"
        r" dead)\b",
        rf"\b{_NOT}\s+(?:want|wants|wanna)\s+(?:to\s+)?(?:be alive|live any ?more|exist|be here any ?more"
        r"|be around any ?more|be here no more|be here\s*(?:$|[.!?]))",
        r"\b(?:wish|wishes|wished)\s+(?:i|he|she|they)\s+(?:was|were|had)\s+(?:dead|never been born)\b",
        r"\bbetter off (?:dead|without (?:me|him|her|them))\b|\bno reason to live\b",
        r"\bno point (?:in )?(?:living|being alive|going on|carrying on|me being here)\b",
        r"\b(?:overdose|overdosed|overdosing|took an od|taken an od)\b",
        r"\b(?:took|taken|swallowed)\s+(?:a lot of |loads of |all (?:of )?(?:my|his|her|the) "
        r"|a load of |too many )"
        r"(?:pills|tablets|paracetamol|medication|meds)\b",
        r"\bjump(?:ed|ing)? (?:off|in front of) (?:a|the) (?:bridge|train|building|roof)\b",
    ],
    "medical_emergency": [
        r"\b(?:fainted|fainting|faints|passed out|passing out|collapsed|collapsing|unconscious"
        r"|unresponsive)\b",
        r"\b(?:not|isnt|stopped|cant|cannot|struggling to|hardly) breath(?:e|ing)\b|\bturning blue\b",
        r"\b(?:is|hes|shes|theyre|are|im)\s+choking\b(?! hazard)|\bcant wake (?:him|her|them) up\b|\bwont"
        r" wake up\b",
        r"\b(?:seizure|seizures|fit|fits|fitting)\s+(?:that\s+|which\s+|and\s+(?:it\s+)?)?"
        r"(?:wont|will not|isnt|is"
        r" not|doesnt|hasnt|has not|not)\s+"
        r"(?:stop|stopping|stopped|ending)",
        r"\b(?:seizure|fit|fitting)\s+(?:for|lasting|lasted|has lasted)\s+(?:over\s+|more than\s+)?\d+\s*min",
        r"\bstatus epilepticus\b|\banaphyla\w*|\bnot breathing\b",
        r"\bbarely (?:eaten|eating|ate|drunk|drinking)\b",
        r"\b(?:hasnt|has not|havent|have not|not|hardly)\s+(?:eaten|drunk|had a drink|had anything)"
        r"(?:\s+anything)?\s+(?:for|in)\s+(?:\d+|a|two|three|four|five|several|a few|days|weeks)",
        r"\bstopped (?:eating|drinking)(?:\s+(?:completely|altogether|and|at all)|\s*[.!?]|\s*$)",
        r"\b(?:swallowed|ate|eaten)\s+(?:a\s+)?(?:button battery|battery|batteries|magnets?|bleach|poison)",
        r"\b(?:its|it is|this is|theres|there is|we have|having)\s+(?:an\s+)?emergency\b",
        r"^emergency\s*[.!?]*$",
        r"\b(?:need|call|calling|get)\s+(?:an\s+)?ambulance\b|\bbleeding (?:heavily|badly|wont stop|a lot)\b",
    ],
    "self_harm": [
        r"\bself\s?(?:harm|harms|harmed|harming|injur\w*)\b|\bselfharm\w*",
        rf"\b(?:cuts|cutting|harm|harms|harming|hurts|hurting|burns|burning|scratches|scratching|hits|"
        rf"hitting|punches|punching|bites|biting|starves|starving|head ?bang\w*)\s+{_REFL}",
        rf"\b(?:tried|trying|try|tries|wants|wanted|going|gonna|threatened|threatens|threatening)\s+to\s+"
        rf"(?:hurt|cut|harm|burn|hit|starve)\s+{_REFL}",
        rf"\b(?:will|might|could|may|would|going to|gonna)\s+(?:hurt|cut|harm|burn)\s+{_REFL}",
        rf"\b(?:has|had|have|hes|shes)\s+(?:been\s+)?(?:cut|harmed|burnt|burned)\s+{_REFL}|\bcut {_REFL} "
        r"(?:again|on purpose|deliberately)",
        r"\b(?:been|started|keeps|keep|is|was|caught (?:him|her|them))\s+cutting(?:\s+again|\s+(?:his|her"
        r"|their|my)"
        r"\s+(?:arms?|legs?|wrists?|skin|thighs?))?\s*(?:[.!?,]|$|and\b)",
        r"\bcuts on (?:his|her|their|my) (?:arms?|legs?|wrists?|thighs?)\b",
    ],
    "abuse": [
        rf"(?<!\bit )(?<!\bthis )(?<!\bthat )(?<!\bwhich )(?<!\bwhat )(?<!\breally )(?<!\bdeeply )"
        rf"\b(?:hurts|hurt|hurting|hits|hit|hitting|beats|beat|beating|kicks|kicked|kicking|punches|punched|"
        rf"slaps|slapped|chokes|choked|strangled|strangles|burns|burned|abuses|abused|touches|touched|"
        rf"touching|threatens|threatened)\s+{_ME}",
        r"\bbeing (?:hurt|abused|hit|beaten|beat|touched|exploited|starved|locked in)\b",
        r"\b(?:touch|touched|touches|touching)\s+(?:my|his|her|their)\s+(?:privates?|private parts|bits"
        r"|body)\b",
        r"\binappropriate(?:ly)? touch\w*|\bsexual(?:ly)?\s+(?:abus\w*|assault\w*)|\braped?\b|\bmolest\w*",
        r"(?<!substance )(?<!drug )(?<!alcohol )\babus(?:e|ed|es|ing|ive)\b",
        r"\b(?:domestic violence|domestic abuse|county lines|child neglect|online grooming)\b",
        r"\b(?:being|been|was|were) groomed\b|\bgrooming (?:him|her|them|children|kids|my)\b|\bexploit(?:ed"
        r"|ation)\b",
        r"\b(?:child|kid|kids|children|baby|toddler|son|daughter|he|she|they|i)\s+(?:is|are|am|was"
        r"|were)\s+(?:being\s+)?neglected\b",
        r"\b(?:dont|doesnt|do not|does not|never|didnt|did not)\s+feel\s+safe\b|\bnot safe (?:at home|with"
        r" (?:my|"
        r"his|her|him|them)|in (?:my|our|his|her) (?:home|house))|\b(?:i|im|i am)\s+not safe\b|\bunsafe at"
        r" home\b",
        r"\b(?:scared|afraid|frightened|terrified)\s+"
        r"(?:to go home|of (?:my|his|her) (?:dad|mum|mom|step ?dad|step ?mum|father|mother|brother|uncle|"
        r"partner|boyfriend|husband))",
        r"\bthreaten\w* to (?:kill|hurt|hit|beat)\b",
        r"\b(?:will|might|could|going to|gonna)\s+(?:hurt|harm|hit|beat|kill)\s+(?:the|my|our|his|her)\s+"
        r"(?:children|kids|child|baby|son|daughter|boy|girl)\b",
        r"\b(?:is|are|gets|getting|was|were|being|becomes)\s+violent\b",
        r"\b(?:making|made|makes|forcing|forced|forces)\s+me\s+(?:to\s+)?do (?:things|stuff)\b",
        r"\b(?:asking|asked|asks|wants|wanted|pressuring|pressured|making)\s+me\s+(?:for|to send|to take|"
        r"to share)\s+(?:pictures|photos|pics|nudes|images|videos)\b|\bnudes\b",
    ],
    "child_in_danger": [
        r"\bin (?:immediate |real |serious |grave )?danger\b(?! of (?:being )?(?:excluded|exclusion|losing|"
        r"failing|missing|falling|dropping|getting kicked|not getting))",
        r"\b(?:child|son|daughter|kid|boy|girl|he|she|they|brother|sister|teenager)\s+(?:has\s+"
        r"|have\s+)?(?:gone|"
        r"went|is|are|has been|have been|been)\s+missing\b(?!\s+(?:school|lessons?|class|classes|out|from"
        r" school|"
        r"days|education|appointments?|sessions?|therapy|a lot|some|meals?))",
        r"\bcant find (?:my|our) (?:son|daughter|child|boy|girl|kid)\b|\bran away from home\b",
        r"\b(?:ran away|run away|runaway|ran off|gone off)\b.{0,40}\bcant find (?:him|her|them)\b",
        r"\bsafeguarding (?:concern|issue|worry|referral)\b|\bworried about (?:a|the|this) (?:child|kid)s?"
        r" safety\b",
        r"\b(?:left|leaves|leaving) (?:alone|on (?:his|her|their) own) (?:at home )?(?:all|for) (?:day|night"
        r"|days)\b",
    ],
}

_COMPILED = {kind: [re.compile(p) for p in pats] for kind, pats in PATTERNS.items()}
ORDER = ("suicide", "medical_emergency", "self_harm", "abuse", "child_in_danger")


def normalise(text: str) -> str:
    """Lower case; apostrophes dropped ("doesn't" -> "doesnt"); other punctuation to spaces, keeping . ! ?"""
    t = (text or "").lower().replace("’", "").replace("'", "").replace("`", "")
    t = re.sub(r"[^a-z0-9.!?\s]", " ", t)
    t = re.sub(r"([.!?])(?=[^\s.!?])", r"\1 ", t)
    return re.sub(r"\s+", " ", t).strip()


def risk_matches(text: str) -> list[tuple[str, str]]:
    """Every ``(kind, matched words)`` found, most urgent kind first: for tests and reporting."""
    t = normalise(text)
    found = []
    for kind in ORDER:
        for pattern in _COMPILED[kind]:
            m = pattern.search(t)
            if m:
                found.append((kind, m.group()))
    return found


def risk_kind(text: str) -> str | None:
    """The most urgent kind of risk of harm in ``text``, or None."""
    t = normalise(text)
    for kind in ORDER:
        if any(p.search(t) for p in _COMPILED[kind]):
            return kind
    return None


def is_risk_of_harm(text: str) -> bool:
    """True when ``text`` suggests suicide, self-harm, abuse, a child in danger or a medical emergency."""
    return risk_kind(text) is not None
