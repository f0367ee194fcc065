#!/usr/bin/env bash
# Configures and builds billet into build/ (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DBILLET_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
