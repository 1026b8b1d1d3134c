"""SEND and family vocabulary: acronyms, professional terms and everyday words for the same things.

Each group is one concept. Keyword search adds a concept token wherever any of its phrases occurs, in
documents and queries alike, so "SALT", "speech therapy" and "speech and language therapy" all meet.
Dense search reads the gloss: an acronym in a query (or a passage) gets its spelled-out form appended,
because all-MiniLM-L6-v2 knows little of UK SEND acronyms.

Phrases are general vocabulary of families and services. Do not add a test question's wording here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from directory.search.query import stem, words


@dataclass(frozen=True)
class Group:
    concept: str
    gloss: str
    terms: tuple[str, ...]
    acronyms: tuple[str, ...] = ()  # "abbr" or "abbr:its own expansion" (default: the gloss)


GROUPS: tuple[Group, ...] = (
    Group("speech", "speech and language therapy",
          ("speech therapy", "speech therapist", "speech and language", "speech language therapy",
           "speech and communication", "language therapy", "communication difficulties", "not talking",
           "late talker", "stammer", "stammering", "stutter"),
          ("salt", "slt")),
    Group("ot", "occupational therapy",
          ("occupational therapy", "occupational therapist", "sensory processing", "fine motor",
           "motor skills", "handwriting"),
          ("ot",)),
    Group("physio", "physiotherapy",
          ("physio", "physiotherapy", "physiotherapist", "physical therapy", "gross motor"), ()),
    Group("ehcp", "education health and care plan (EHCP)",
          ("ehc plan", "education health and care plan", "education health care plan", "ehc needs assessment",
           "ehc assessment", "statutory assessment", "needs assessment", "statement of sen", "annual review"),
          ("ehcp", "ehcps", "ehc", "ehcna")),
    Group("autism", "autism",
          ("autism", "autistic", "autism spectrum", "asperger", "aspergers", "spectrum condition"),
          ("asd", "asc")),
    Group("adhd", "attention deficit hyperactivity disorder (ADHD)",
          ("attention deficit", "hyperactivity", "hyperactive"), ("adhd",)),
    Group("neuro", "neurodevelopmental assessment for autism and ADHD",
          ("neurodevelopmental", "neurodiverse", "neurodivergent", "neurodiversity", "diagnosis",
           "assessment for autism", "autism assessment", "adhd assessment"), ()),
    Group("mental_health", "mental health and emotional wellbeing",
          ("mental health", "emotional wellbeing", "emotional health", "wellbeing support", "low mood",
           "anxiety", "anxious", "depression", "depressed", "sad", "unhappy", "feeling down", "worried",
           "worries", "stress", "stressed", "panic", "self harm", "lonely", "counselling", "counsellor",
           "talking therapy", "someone to talk to", "talk to someone"),
          ("camhs:child and adolescent mental health services", "semh:social, emotional and mental health",
           "iapt")),
    Group("senco", "special educational needs coordinator (SENCO) at school",
          ("special educational needs coordinator", "sen coordinator", "send coordinator"),
          ("senco", "sendco")),
    Group("send", "special educational needs and disabilities (SEND)",
          ("special educational needs", "special needs", "additional needs", "complex needs",
           "additional support needs"), ("sen", "send")),
    Group("short_breaks", "short breaks and respite for disabled children and their families",
          ("short break", "short breaks", "respite", "overnight", "overnights", "sitting service",
           "a break from caring", "break from caring", "residential break"), ()),
    Group("diet", "dietetics and nutrition",
          ("dietitian", "dietician", "dietetic", "dietetics", "nutrition", "nutritionist", "diet",
           "eating", "feeding", "weight gain", "fussy eater"), ()),
    Group("hearing", "audiology and hearing",
          ("hearing", "audiology", "audiologist", "deaf", "hearing test", "hearing aid", "hearing loss",
           "hearing impairment", "glue ear", "ears"), ()),
    Group("vision", "vision and visual impairment",
          ("visual impairment", "visually impaired", "vision", "sight", "eyesight", "blind",
           "partially sighted"),
          ("vi",)),
    Group("continence", "continence, bedwetting and toileting",
          ("continence", "incontinence", "bedwetting", "bed wetting", "bedwetter", "wet the bed", "wet",
           "wetting", "enuresis", "toilet", "toileting", "toilet training", "potty", "soiling", "nappies",
           "nappy", "pads", "constipation"), ()),
    Group("wheelchair", "wheelchair service",
          ("wheelchair", "wheelchairs", "powerchair", "buggy", "mobility"), ()),
    Group("equipment", "equipment and adaptations at home",
          ("equipment", "specialist equipment", "adaptations", "adaptation", "aids", "hoist", "seating",
           "special seat", "bath seat", "ramp", "home adaptations"), ()),
    Group("carer", "carers and young carers",
          ("carer", "carers", "caring", "care for", "cares for", "look after", "looks after", "looking after",
           "caring responsibilities"), ()),
    Group("employment", "jobs, work and employment",
          ("job", "jobs", "find work", "get work", "into work", "in work", "employment", "employ", "employer",
           "employability", "career", "careers",
           "apprenticeship", "apprentice", "work experience", "paid work", "volunteering", "earn money"), ()),
    Group("internship", "supported internship",
          ("internship", "internships", "supported internship", "intern", "work placement"), ()),
    Group("college", "college and post-16 education",
          ("college", "colleges", "post 16", "post-16", "post 19", "sixth form", "further education",
           "sixth form college", "university", "study", "studying"), ("fe",)),
    Group("adulthood", "preparing for adulthood and transition",
          ("preparing for adulthood", "transition", "leave school", "leaving school", "leaves school",
           "after school ends", "grown up", "adulthood", "adult services", "turning 18", "independent living",
           "independence"), ("pfa",)),
    Group("travel", "travel and transport",
          ("bus", "buses", "travel", "transport", "taxi", "taxis", "minibus", "escort", "travel training",
           "independent travel", "travel on my own", "get to school", "getting to school", "journey",
           "train station", "bus pass"), ()),
    Group("disability", "disabled children and disability",
          ("disabled", "disability", "disabilities", "disable", "additional needs", "impairment"), ()),
    Group("learning_disability", "learning disability",
          ("learning disability", "learning disabilities", "learning difficulty", "learning difficulties",
           "global developmental delay", "developmental delay", "down syndrome", "downs syndrome"),
          ("ld", "pmld", "sld", "mld")),
    Group("social", "youth clubs and social groups",
          ("youth club", "youth clubs", "youth group", "social group", "social club", "club", "clubs",
           "friends", "friend", "mates", "make friends", "socialise", "socialising",
           "hang out", "activities", "things to do", "fun"), ()),
    Group("holiday", "school holiday activities",
          ("holiday", "holidays", "summer", "half term", "easter holidays", "christmas holidays",
           "school holidays", "holiday club", "playscheme", "play scheme"), ()),
    Group("sport", "sport and physical activity",
          ("sport", "sports", "football", "swimming", "swim", "gym", "exercise", "active",
           "physical activity",
           "multi sport", "trampolining", "dance", "cricket", "boccia", "rugby", "tennis"), ()),
    Group("after_school", "after school club",
          ("after school", "after-school", "afterschool", "after school club", "teatime club",
           "evening club", "out of school"), ()),
    Group("parent_support", "support groups for parents and carers",
          ("parent carer forum", "parent forum", "parent group", "parents group", "support group",
           "peer support", "coffee morning", "other parents", "meet other parents", "parent support",
           "parent carers", "parents of"), ("pcf",)),
    Group("advice", "independent information, advice and support (SENDIASS)",
          ("impartial", "independent advice", "free advice", "impartial advice",
           "information advice and support",
           "advocate", "advocacy", "legal advice", "know my rights", "rights", "independent support"),
          ("sendiass", "sendias", "iass", "iasis")),
    Group("dispute", "disagreements, mediation and appeals to the SEND tribunal",
          ("tribunal", "appeal", "appeals", "mediation", "mediator", "disagreement", "disagree", "dispute",
           "disagreement resolution", "first tier tribunal"), ()),
    Group("complaint", "complaints",
          ("complain", "complaint", "complaints", "not happy with", "unhappy with", "poor service",
           "ombudsman"), ("lgsco",)),
    Group("early_years", "early years and pre-school children",
          ("early years", "baby", "babies", "toddler", "toddlers", "pre school", "preschool", "nursery",
           "under 5", "under fives", "under 5s", "portage", "newborn", "infant"), ("eyfs",)),
    Group("social_care", "social care for disabled children",
          ("social care", "social worker", "social services", "children with disabilities team",
           "child in need", "care package", "carers assessment"), ("cwd",)),
    Group("family_support", "early help and family support",
          ("early help", "family support", "family wellbeing", "parenting", "parenting course",
           "parenting support", "childrens centre", "children centre", "family hub", "family centre"), ()),
    Group("money", "personal budgets, direct payments, benefits and grants",
          ("direct payment", "direct payments", "personal budget", "personal health budget", "benefit",
           "benefits", "disability living allowance", "personal independence payment", "carers allowance",
           "grant", "grants", "money", "financial", "funding"), ("dla", "pip", "phb")),
    Group("library", "library services",
          ("library", "libraries", "books", "housebound", "home library"), ()),
    Group("behaviour", "behaviour support",
          ("behaviour", "behavior", "challenging behaviour", "meltdown", "meltdowns", "aggression",
           "aggressive", "violent", "tantrums"), ()),
    Group("school", "school support and inclusion",
          ("exclusion", "excluded", "suspension", "suspended", "school refusal", "not attending school",
           "school avoidance", "emotionally based school avoidance", "attendance", "inclusion",
           "reduced timetable", "part time timetable"), ("ebsa",)),
    Group("specific_learning", "specific learning difficulties: dyslexia, dyspraxia, dyscalculia",
          ("dyslexia", "dyslexic", "dyspraxia", "dyspraxic", "dyscalculia", "specific learning difficulty",
           "developmental coordination disorder"), ("spld", "dcd")),
    Group("complex_health", "complex health needs and children's community nursing",
          ("complex health", "medical needs", "health needs", "nursing", "community nursing", "nurse",
           "continuing care", "tube fed", "epilepsy", "palliative", "life limiting", "oxygen"), ("ccn",)),
    Group("sleep", "sleep problems",
          ("sleep", "sleeping", "sleepless", "wont sleep", "bedtime", "night waking"), ()),
    Group("looked_after", "looked after children and children in care",
          ("looked after", "looked after children", "in care", "children in care", "child in care",
           "care leaver", "care leavers", "leaving care", "foster", "fostered", "foster carer", "foster care",
           "kinship care",
           "adopted", "adoption", "special guardianship"), ("cla", "lac", "cic")),
    Group("youth_justice", "youth justice and offending",
          ("police", "arrested", "offending", "youth offending", "youth justice", "crime", "court",
           "criminal", "antisocial behaviour", "exploitation"), ("yot",)),
    Group("local_offer", "the local offer website of SEND services",
          ("local offer", "local offer website", "directory of services", "what is available"), ()),
)  # fmt: skip


# Related concepts, added to a query (never to documents) at a lower weight: where the SEND system sends a
# family with this kind of question as well. The SEND Code of Practice (2015, chapter 2) gives the
# information, advice and support service (SENDIASS) the EHC needs assessment and plan process,
# disagreement resolution and appeals, complaints and exclusions: a question about any of these is also a
# question for it. Like the groups, these are relations of the SEND system, not of any test question.
RELATED: dict[str, tuple[str, ...]] = {
    "ehcp": ("advice",),
    "dispute": ("advice",),
    "complaint": ("advice",),
    "school": ("advice",),
}
_GROUP = {group.concept: group for group in GROUPS}


def related(text: str) -> list[Group]:
    """Groups related to the ones the text names (and not named by it), in order, once each."""
    named = [group.concept for group, _ in matches(phrase_key(text))]
    out: list[Group] = []
    for concept in named:
        for other in RELATED.get(concept, ()):
            if other not in named and _GROUP[other] not in out:
                out.append(_GROUP[other])
    return out


def dense_query(text: str) -> str:
    """What the model reads for a query: the query, the meaning of its acronyms and family words, and the
    related concepts (``RELATED``)."""
    extra = [group.gloss for group in related(text)]
    glossed = gloss(text)
    return f"{glossed} ({'; '.join(extra)})" if extra else glossed


def synonyms_version() -> str:
    """Short hash of the groups: part of the saved index's passage scheme (glosses are embedded)."""
    return hashlib.sha1(repr(GROUPS).encode("utf-8"), usedforsecurity=False).hexdigest()[:8]


def phrase_key(text: str) -> tuple[str, ...]:
    """A phrase as the matcher sees it: stemmed words, stopwords kept."""
    return tuple(stem(w) for w in words(text))


@lru_cache(maxsize=1)
def _table() -> dict[str, list[tuple[tuple[str, ...], Group, str | None]]]:
    table: dict[str, list[tuple[tuple[str, ...], Group, str | None]]] = {}
    for group in GROUPS:
        phrases: list[tuple[str, str | None]] = [(term, None) for term in group.terms]
        for acronym in group.acronyms:
            short, _, expansion = acronym.partition(":")
            phrases.append((short, expansion or group.gloss))
        for term, expansion in phrases:
            key = phrase_key(term)
            if key:
                table.setdefault(key[0], []).append((key, group, expansion))
    for entries in table.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return table


MAX_GAP = 2  # extra words allowed inside a phrase of three or more words ("get my son to school")


def _match_at(sequence: list[str], i: int, key: tuple[str, ...]) -> int | None:
    """End position if ``key`` matches at ``i`` (with a small gap budget for long phrases), else None."""
    if len(key) < 3:
        return i + len(key) if tuple(sequence[i : i + len(key)]) == key else None
    position, budget = i + 1, MAX_GAP
    for word in key[1:]:
        while position < len(sequence) and sequence[position] != word and budget > 0:
            position += 1
            budget -= 1
        if position >= len(sequence) or sequence[position] != word:
            return None
        position += 1
    return position


def matches(sequence: list[str]) -> list[tuple[Group, str | None]]:
    """Each group whose phrase occurs in the stemmed word sequence, once per (longest) occurrence.

    The second item is the acronym's own expansion when the phrase was an acronym, else None.
    """
    found: list[tuple[Group, str | None]] = []
    covered: dict[str, int] = {}
    table = _table()
    for i, word in enumerate(sequence):
        for key, group, expansion in table.get(word, ()):  # longest phrases first
            if covered.get(group.concept, -1) > i:
                continue
            end = _match_at(sequence, i, key)
            if end is None:
                continue
            covered[group.concept] = end
            found.append((group, expansion))
    return found


def concept_tokens(text: str) -> list[str]:
    """One "~concept" token per phrase occurrence, for keyword matching."""
    return ["~" + group.concept for group, _ in matches(phrase_key(text))]


def gloss(text: str, acronyms_only: bool = False) -> str:
    """The text with the spelled-out meaning of its acronyms (or of every family word) appended."""
    sequence = phrase_key(text)
    lowered = text.lower()
    extra: list[str] = []
    for group, expansion in matches(sequence):
        if acronyms_only and expansion is None:
            continue
        meaning = expansion or group.gloss
        if meaning.lower() in lowered or meaning in extra:
            continue
        extra.append(meaning)
    return f"{text} ({'; '.join(extra)})" if extra else text
