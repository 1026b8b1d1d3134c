"""Risk-of-harm detection: positives (with their kind) and ordinary SEND questions that must not trip it.

Borderline choices, decided on purpose:
- Self-injury described by a parent of an autistic child ("bites himself when overwhelmed") is self_harm:
  showing emergency contacts first costs little; missing real self-harm costs a lot.
- "he hit me during a meltdown" is abuse (child-to-parent violence is still a safety matter).
- "hurt feelings", "hurt his leg at physio", "no sense of danger", "in danger of being excluded",
  "risk of harm assessment", "he has seizures", picky eating, "I'm at the end of my tether",
  "i feel sad a lot" are not risk of harm: they go to the normal topics (and SENDIASS for distress).
- "he hurt himself at the park" (past, accidental) is not self-harm; "he keeps hurting himself" is.
"""

from __future__ import annotations

import pytest

from send_common.risk import is_risk_of_harm, normalise, risk_kind, risk_matches

DEV_SAFEGUARDING = [
    ("my son has been cutting himself and said he doesnt want to be here anymore", "suicide"),
    ("someone at home hurts me", "abuse"),
    ("my 15 yr old has barely eaten in weeks and fainted today", "medical_emergency"),
    ("I'm worried a disabled child on my street is being hurt. Who do I tell?", "abuse"),
]

POSITIVES = [
    # Found missing when the NLU training examples of risk_of_harm were checked against the patterns.
    ("my child has taken too many tablets", "suicide"),
    ("there's no point in living", "suicide"),
    ("my neighbour's kids are being neglected", "abuse"),
    ("my child is having a seizure and won't stop", "medical_emergency"),
    ("my son ran away and we can't find him", "child_in_danger"),
    ("i'm worried my child will hurt himself tonight", "self_harm"),
    ("an adult is making me do things i don't want", "abuse"),
    ("someone online is asking me for pictures", "abuse"),
    ("my partner is violent in front of the kids", "abuse"),
    ("i'm scared he will hurt the children", "abuse"),
    ("emergency", "medical_emergency"),
    ("it's an emergency", "medical_emergency"),
    ("my son wants to kill himself", "suicide"),
    ("she keeps saying she wants to die", "suicide"),
    ("I think my daughter is suicidal", "suicide"),
    ("he talks about sucide all the time", "suicide"),
    ("i want to kill myself", "suicide"),
    ("i dont want to be alive any more", "suicide"),
    ("I don't want to be here.", "suicide"),
    ("my teenager said everyone would be better off without him", "suicide"),
    ("she took an overdose last night", "suicide"),
    ("he swallowed all of his tablets", "suicide"),
    ("my son tried to hang himself", "suicide"),
    ("she said she wants to end her life", "suicide"),
    ("i am going to end it all", "suicide"),
    ("My son wants to unalive himself", "suicide"),
    ("my daughter is self harming", "self_harm"),
    ("What do I do? My son is self-harming again", "self_harm"),
    ("i keep cutting myself", "self_harm"),
    ("she has been cutting her arms", "self_harm"),
    ("my autistic son bites himself when he is overwhelmed", "self_harm"),
    ("he keeps hitting himself in the head", "self_harm"),
    ("he has tried to hurt himself", "self_harm"),
    ("i found cuts on her arms", "self_harm"),
    ("my dad hits me", "abuse"),
    ("mum's boyfriend hit me last night", "abuse"),
    ("a man touched me and I didnt like it", "abuse"),
    ("I don't feel safe at home", "abuse"),
    ("i am scared to go home", "abuse"),
    ("I think my neighbour's child is being abused", "abuse"),
    ("my son is being groomed online", "abuse"),
    ("i think my daughter is being exploited by older lads", "abuse"),
    ("my partner threatened to kill me", "abuse"),
    ("his stepdad kicks me", "abuse"),
    ("I am not safe at home", "abuse"),
    ("my ex is abusive and the kids are scared", "abuse"),
    ("there is a child in danger next door", "child_in_danger"),
    ("my autistic son has gone missing", "child_in_danger"),
    ("I can't find my son and he has no sense of danger", "child_in_danger"),
    ("I want to report a safeguarding concern about a child", "child_in_danger"),
    ("he has had a seizure that wont stop", "medical_emergency"),
    ("her fit has lasted 10 minutes", "medical_emergency"),
    ("my son is not breathing", "medical_emergency"),
    ("she collapsed at school and is unconscious", "medical_emergency"),
    ("my daughter hasnt eaten for 4 days", "medical_emergency"),
    ("he swallowed a button battery", "medical_emergency"),
    ("my son passed out", "medical_emergency"),
    ("i think she is having an anaphylactic reaction", "medical_emergency"),
    ("he cant breathe", "medical_emergency"),
]

NEGATIVES = [
    "is there emergency respite for disabled children",
    "what are the emergency contacts",
    "no point ringing them, nobody answers",
    "my son is having fits of giggles",
    "he has an emergency appointment with the paediatrician",
    "how long is the wait for CAMHS",
    "my son is autistic and struggles at school",
    "he gets hurt feelings when excluded from clubs",
    "he hurt his leg at physio",
    "he hurt himself at the park last week, is there a physio wait?",
    "who does the risk of harm assessment in an EHCP?",
    "the school did a risk assessment for the trip",
    "my son has no sense of danger and runs into the road",
    "he is in danger of being excluded from school",
    "my daughter has seizures, is there an epilepsy nurse?",
    "he only eats beige food, can a dietitian help?",
    "my son won't eat at school",
    "I'm at the end of my tether with the EHCP",
    "i feel sad a lot. who can i talk to",
    "I feel like I have to fight for everything and I'm exhausted",
    "it hurts me to see him struggle",
    "this form is killing me",
    "the wait is killing us",
    "he's dying to go to the youth club",
    "he hits other children when he is frustrated, what support is there?",
    "my daughter is missing school because of anxiety",
    "my son keeps falling and needs special seating",
    "the school are not following my son's EHCP and he is getting more distressed",
    "Its been 14 months and my daughters EHCP still isnt finished. Is that allowed??",
    "can i self refer to Aiming High?",
    "is there a self-referral for speech therapy",
    "he is not safe to travel on the bus alone, can he get school transport?",
    "he is at risk of choking, is there help with swallowing?",
    "does CAMHS help with anxiety and low mood?",
    "my son's needs are being neglected by the school",
    "dog grooming course for autistic teens",
    "the form is missing information about his diagnosis",
    "how do I appeal if the council refuse to assess",
    "what is a personal budget",
    "i want a job when i leave school. who can help me",
    "my toddler needs to see a dietician how long will it be",
    "we are exhausted, does Springbrook do overnight stays?",
]


@pytest.mark.parametrize(("text", "kind"), DEV_SAFEGUARDING + POSITIVES)
def test_positive(text, kind):
    assert is_risk_of_harm(text), text
    assert risk_kind(text) == kind, risk_matches(text)


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative(text):
    assert not is_risk_of_harm(text), risk_matches(text)
    assert risk_kind(text) is None


def test_enough_examples():
    assert len(POSITIVES) >= 30 and len(NEGATIVES) >= 30


def test_misspellings_and_casing():
    assert is_risk_of_harm("MY SON WANTS TO KILL HIMSLEF")
    assert is_risk_of_harm("she doesn’t want to be here anymore")  # curly apostrophe
    assert risk_kind("suiside") == "suicide"


def test_normalise_keeps_sentence_ends():
    assert normalise("He's  SAD!!Ok") == "hes sad!! ok"


def test_empty_and_none_are_safe():
    assert risk_kind("") is None
    assert not is_risk_of_harm(None)  # type: ignore[arg-type]


def test_matches_report_most_urgent_first():
    kinds = [k for k, _ in risk_matches("he is cutting himself and wants to die")]
    assert kinds[0] == "suicide" and "self_harm" in kinds
