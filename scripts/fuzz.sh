#!/usr/bin/env bash
# Fuzzes one target under libFuzzer for N minutes (default 2):
#   scripts/fuzz.sh TARGET [MINUTES]
# TARGET is a directory of fuzz/corpus/: json_parse, admission_review, policy_load, quantity,
# path_condition, patch, server_request, yaml_stream or kube_response. Needs Clang and its
# runtimes (Debian: apt-get install clang libclang-rt-14-dev). Builds build-fuzz/ (instrumented, AddressSanitizer + UBSan), starts from
# the checked-in corpus, keeps what it discovers in build-fuzz/new-inputs/TARGET/, and writes a
# crash, leak or timeout to build-fuzz/findings/; once the bug is fixed, copy the input into
# fuzz/corpus/TARGET/ so that ctest replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [MINUTES]}
minutes=${2:-2}
[[ -d fuzz/corpus/$target ]] || { echo "no corpus fuzz/corpus/$target" >&2; exit 2; }
if ! command -v clang++ > /dev/null; then
  echo "scripts/fuzz.sh needs clang++ (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
# Without --install-recommends, Debian's clang comes without its sanitizer and libFuzzer runtimes:
# say so now rather than after building every object.
probe='extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }'
if ! clang++ -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - <<< "$probe" 2> /dev/null; then
  echo "scripts/fuzz.sh: clang++ cannot link libFuzzer with AddressSanitizer" \
    "(Debian: apt-get install libclang-rt-14-dev)" >&2
  exit 2
fi
launcher=()
if command -v ccache > /dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBILLET_FUZZ=ON \
  -DBILLET_TESTS=OFF -DBILLET_BENCH=OFF "${launcher[@]}" > /dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${target}_fuzz_libfuzzer"
mkdir -p "build-fuzz/new-inputs/$target" build-fuzz/findings
exec "build-fuzz/fuzz/${target}_fuzz_libfuzzer" -max_total_time=$((minutes * 60)) -timeout=10 \
  -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target-" \
  "build-fuzz/new-inputs/$target" "fuzz/corpus/$target"
