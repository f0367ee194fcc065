#!/usr/bin/env bash
# Install what is missing, build (warnings are errors), and run every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300
