#!/usr/bin/env bash
# Trains the Rasa model only when config.yml, bot/domain.yml or bot/data/ changed (cache by content hash).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
mkdir -p models
# One training at a time: a second caller waits, then finds the model up to date (or trains the newer data).
exec 9>models/.train.lock
flock 9
model=models/send-assistant.tar.gz
stamp=models/send-assistant.sha256
hash="$(find config.yml bot/domain.yml bot/data rasa_addons send_common -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' \) -print0 \
        | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ -f "$model" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "[train] Rasa model is up to date ($model): nothing to do."
  exit 0
fi
echo "[train] training the Rasa model (about 3-5 minutes on 2 cores; progress bars follow)..."
start=$(date +%s)
.venv-rasa/bin/rasa train --config config.yml --domain bot/domain.yml --data bot/data \
  --out models --fixed-model-name send-assistant-new
mv models/send-assistant-new.tar.gz "$model"  # atomic: a running test never sees half a model
echo "$hash" > "$stamp"
echo "[train] done in $(( $(date +%s) - start )) s: $model"
