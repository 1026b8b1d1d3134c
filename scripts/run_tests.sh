#!/usr/bin/env bash
# Runs the whole suite: first the Python 3.10 side (Rasa, actions), then the Python 3.11 side
# (directory, gateway, end-to-end conversations, browser). The last line is pytest's summary.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH="$PWD"
status=0
echo "== Python 3.10: Rasa assistant and action server =="
.venv-rasa/bin/python -m pytest tests/common tests/bot -q -p no:cacheprovider "$@" || status=$?
echo "== Python 3.11: directory, gateway, conversations end to end, browser =="
.venv/bin/python -m pytest tests/common tests/docs tests/directory tests/staff tests/scaled tests/e2e tests/browser -q -p no:cacheprovider "$@" || status=$?
exit $status
