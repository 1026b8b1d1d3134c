#!/usr/bin/env bash
# Prints the path of a Python interpreter of the version asked for (e.g. 3.10), found on PATH or through pyenv.
# Exits 1 with instructions when there is none.
set -euo pipefail
want="$1"
check() { [ -x "$1" ] && [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; }
for cand in "$(command -v "python$want" 2>/dev/null || true)" "$(command -v python3 2>/dev/null || true)"; do
  if [ -n "$cand" ] && check "$cand"; then echo "$cand"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  root="$(pyenv root)"
  for cand in $(ls -d "$root"/versions/"$want".*/bin/python 2>/dev/null | sort -V -r); do
    if check "$cand"; then echo "$cand"; exit 0; fi
  done
fi
cat >&2 <<MSG
ERROR: Python $want was not found on PATH or through pyenv.
$( [ "$want" = "3.10" ] && echo "Rasa Open Source 3.6 runs only on Python 3.8-3.10; this project uses 3.10." )
Install it, then run the command again, for example:
  pyenv install $want            # then nothing else: setup finds pyenv versions
or on Debian/Ubuntu:
  sudo apt-get install python$want python$want-venv
MSG
exit 1
