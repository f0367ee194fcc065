#!/usr/bin/env bash
# Install what is missing, build (warnings are errors), build the test control plane, and run
# every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
bash scripts/build.sh
bash tests/cluster/build.sh > /dev/null
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300
