"""Pure standard-library helpers shared by the directory (Python 3.11) and Rasa (Python 3.10) runtimes.

- ``send_common.redaction``: remove personal data (names after cues, phone numbers, emails, postcodes,
  full dates and dates of birth, NHS numbers, street addresses) before anything is stored or logged.
- ``send_common.events``: the same for serialised Rasa events (used by the redacting tracker store).
- ``send_common.risk``: spot risk of harm (suicide, self-harm, abuse, a child in danger, a medical
  emergency) so emergency contacts come first whatever the NLU confidence.

Nothing here imports a third-party package or does work at import time beyond compiling regexes.
"""

from send_common.events import redact_event
from send_common.redaction import find_personal_data, redact, redact_value
from send_common.risk import is_risk_of_harm, risk_kind, risk_matches

__all__ = [
    "find_personal_data",
    "is_risk_of_harm",
    "redact",
    "redact_event",
    "redact_value",
    "risk_kind",
    "risk_matches",
]
