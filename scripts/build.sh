#!/usr/bin/env bash
# Configures and builds billet into build/ (warnings are errors). With ccache (scripts/deps.sh
# installs it), objects are cached by content, relative to the clone: a second clone, or a
# rebuild after switching branches, compiles only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache > /dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DBILLET_WERROR=ON \
  "${launcher[@]}" > /dev/null
cmake --build build -j"$(nproc)"
