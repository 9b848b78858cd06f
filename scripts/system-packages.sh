#!/usr/bin/env bash
# Debian packages the tests need: Chromium (driven by Playwright, which never downloads a browser of its
# own) and Lao and Thai fonts for the browser tests, so pages render in the scripts people read; Redis for
# the tests of several Rasa servers (scripts/test-redis.sh starts a throw-away one). Called by `make test`;
# does nothing when they are already there.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=lo 2>/dev/null | grep -q . || missing+=(fonts-lao)
fc-list :lang=th 2>/dev/null | grep -q . || missing+=(fonts-thai-tlwg)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "error: the tests need these Debian packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "installing ${missing[*]} (Debian packages for the tests)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
