#!/usr/bin/env bash
# Install what is missing, build (warnings are errors), build the test control plane, and run
# every test with ctest. Then build again with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) and run the unit, golden, fuzz-replay and server tests there (label `sanitize`),
# and with ThreadSanitizer (build-tsan/) for the server's concurrency tests (label `tsan`).
# BILLET_SANITIZERS=0 skips the sanitizer builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
bash scripts/build.sh
bash tests/cluster/build.sh > /dev/null
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300

[[ ${BILLET_SANITIZERS:-1} == 0 ]] && exit 0

# The same ccache as scripts/build.sh. No -Werror here: the warnings gate is the build above, and
# the sanitizers' instrumentation makes GCC warn about code it did not warn about before.
launcher=()
if command -v ccache > /dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
sanitizer_build() {  # DIR OPTION TARGET...
  local dir=$1 option=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -D"$option"=ON -DBILLET_BENCH=OFF \
    "${launcher[@]}" > /dev/null
  cmake --build "$dir" -j"$(nproc)" "$@"
}

# Everything but the benchmarks: the tests labelled `sanitize` use most of it.
SECONDS=0
sanitizer_build build-asan BILLET_SANITIZE
ctest --test-dir build-asan -L sanitize --output-on-failure -j"$(nproc)" --timeout 600
echo "ASan+UBSan: built and tested in $((SECONDS / 60)) min $((SECONDS % 60)) s"

# Only what the concurrency tests run: the server and the two test binaries.
SECONDS=0
sanitizer_build build-tsan BILLET_TSAN --target billet webhook_server_e2e_test webhook_shared_slot_test
ctest --test-dir build-tsan -L tsan --output-on-failure --timeout 600
echo "TSan: built and tested in $((SECONDS / 60)) min $((SECONDS % 60)) s"
