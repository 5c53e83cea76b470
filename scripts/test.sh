#!/usr/bin/env bash
# Install what the tests need, then run the whole suite (extra arguments go to pytest).
#   system: Debian's chromium (browser tests), a Java runtime and npm (Nu HTML validator)
#   python: a virtual environment in .venv with the project and its test extras
#   npm:    vnu-jar (the Nu HTML Checker) and axe-core (accessibility checks) in .cache/node
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

vnu=.cache/node/node_modules/vnu-jar/build/dist/vnu.jar
axe=.cache/node/node_modules/axe-core/axe.min.js
if [ ! -f "$vnu" ] || [ ! -f "$axe" ]; then
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/node vnu-jar@26 axe-core@4
fi

exec .venv/bin/python -m pytest "$@"
