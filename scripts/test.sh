#!/usr/bin/env bash
# Install what is missing, build (warnings are errors), build the test control plane, and run
# every test with ctest. Then build the release build the image ships (build-release/,
# scripts/build-release.sh) and compare its answers with build/'s (BILLET_RELEASE=0 skips it).
# Then build again with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) and run the unit tests, the golden cases, the fuzz corpora and the server tests
# (the e2e cases drive build-asan's own billet) there (label `sanitize`); and with
# ThreadSanitizer (build-tsan/) the server's concurrency tests (label `tsan`).
# BILLET_SANITIZERS=0 skips both.
set -euo pipefail
cd "$(dirname "$0")/.."
# A first run needs about 8 GB free: the clone, ~/.cache, ~/go and the Debian packages (README:
# Testing, the disk a run needs). Say so up front when less is free, so that a full disk is not
# first seen as a linker's error in the middle of a build.
free_mb=$(df -Pm . | awk 'NR == 2 { print $4 }')
if [[ "$free_mb" =~ ^[0-9]+$ ]] && ((free_mb < 8192)); then
  echo "scripts/test.sh: ${free_mb} MB free on this disk; a first run needs about 8 GB" >&2
fi
bash scripts/deps.sh test
bash scripts/build.sh
bash tests/cluster/build.sh > /dev/null
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300

# The release build the image ships (profile-guided and link-time optimized) answers every sample
# as the build above does (tests/packaging/release_build_test.sh).
if [[ ${BILLET_RELEASE:-1} != 0 ]]; then
  SECONDS=0
  mkdir -p build-release
  bash scripts/build-release.sh build-release > build-release/build.log 2>&1 ||
    { tail -40 build-release/build.log; echo "release build failed (build-release/build.log)"; exit 1; }
  bash tests/packaging/release_build_test.sh build/billet build-release/billet "$PWD"
  how="built, trained, rebuilt"
  grep -q "is built from these sources" build-release/build.log && how="already built"
  grep -q "copied from" build-release/build.log && how="copied from the cache of builds of these sources"
  echo "Release build: $how and compared in $((SECONDS / 60)) min $((SECONDS % 60)) s"
fi

[[ ${BILLET_SANITIZERS:-1} == 0 ]] && exit 0

# The same ccache as scripts/build.sh. No -Werror here: the warnings gate is the build above, and
# the sanitizers' instrumentation makes GCC warn about code it did not warn about before. Debug
# information is line tables only (-g1): what a sanitizer's report needs for its stack traces
# (file, line and inlined frames), a third of -g's size, and quicker to compile.
sanitizer_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
launcher=()
if command -v ccache > /dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# Only the binaries of the tests run under the sanitizers are built (not the CLI tests, the
# benchmarks or the cluster peers). ctest -L sanitize then runs every test these binaries hold
# (tests of binaries not built are not registered). server_e2e_test depends on billet, so the
# sanitized billet is built too, and the e2e cases start it (e2e_support: BILLET_BINARY_DIR).
asan_targets=(json_parse_test json_document_test json_write_test json_value_test json_key_test
  json_pointer_test json_patch_test json_base64_test policy_quantity_test policy_path_test
  policy_condition_test policy_alias_guard_test policy_loader_test policy_match_test
  policy_overlap_test
  policy_image_ref_test policy_yaml_scalar_test report_test admission_golden_test
  json_parse_fuzz admission_review_fuzz policy_load_fuzz quantity_fuzz path_condition_fuzz
  patch_fuzz server_request_fuzz server_unit_test server_e2e_test kube_test base_worker_test
  base_logging_test policy_engine_test policy_engine_errors_test policy_glob_test policy_set_test
  policy_pod_templates_test policy_cluster_test admission_scale_test cli_yaml_stream_test
  cli_json_stream_test cli_json_kubectl_numbers_test cli_yaml_scalar_tails_test cli_yaml_flow_colon_test cli_yaml_recent_bytes_test cli_spool_test cli_yaml_parallel_test
  cli_yaml_block_entry_test
  cli_yaml_control_characters_test cli_yaml_kubectl_decoding_test cli_yaml_kubectl_separators_test
  cli_utf16_decoding_test
  yaml_stream_fuzz kube_response_fuzz kubeconfig_test)
SECONDS=0
cmake -S . -B build-asan -G Ninja "${sanitizer_flags[@]}" -DBILLET_SANITIZE=ON \
  -DBILLET_BENCH=OFF "${launcher[@]}" > /dev/null
cmake --build build-asan -j"$(nproc)" --target "${asan_targets[@]}"
ctest --test-dir build-asan -L sanitize --output-on-failure -j"$(nproc)" --timeout 600
echo "ASan+UBSan: built and tested in $((SECONDS / 60)) min $((SECONDS % 60)) s"

# ThreadSanitizer: the server's concurrency cases (reloads under load, drain, keep-alive and
# pipelining, broken clients) against build-tsan's billet, the shared policy slot, and the worker
# thread every background loop runs on; and the threads that parse a List's YAML entries.
tsan_targets=(billet server_e2e_test server_shared_slot_test base_worker_test cli_yaml_parallel_test)
SECONDS=0
cmake -S . -B build-tsan -G Ninja "${sanitizer_flags[@]}" -DBILLET_TSAN=ON \
  -DBILLET_BENCH=OFF "${launcher[@]}" > /dev/null
cmake --build build-tsan -j"$(nproc)" --target "${tsan_targets[@]}"
ctest --test-dir build-tsan -L tsan --output-on-failure -j"$(nproc)" --timeout 900
echo "TSan: built and tested in $((SECONDS / 60)) min $((SECONDS % 60)) s"
