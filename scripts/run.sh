#!/usr/bin/env bash
# Quickstart: install what is missing, build, and run billet on the bundled defaults:
# lint the example manifests against the bundled policy pack and show what billet would change.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh build
bash scripts/build.sh
echo
echo "$ build/billet lint -p manifests/policies -f manifests/examples"
# Exit code 1 means "an Enforce rule failed": some examples are meant to be denied.
build/billet lint -p manifests/policies -f manifests/examples || [ $? -eq 1 ]
