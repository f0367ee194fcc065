#!/usr/bin/env bash
# The release build, the one the container image ships: optimized with a profile of billet's own
# request path (profile-guided, GCC's -fprofile-use) and across translation units (LTO). Same
# sources and same behaviour as scripts/build.sh's build, less time per review (README,
# Performance). The test command checks that both builds answer every sample alike.
#
#   scripts/build-release.sh [DIR]    # default build-release/; DIR/billet is the binary
#   BENCH=1 scripts/build-release.sh  # also the in-process benchmarks, built the same way
#
# Three steps in DIR, 6 to 20 minutes on 2 cores (ccache cannot help: objects compiled with a
# profile cannot be shared with other builds; the binaries are cached instead, below):
#   1. an instrumented billet and bench/review_loop (-DBILLET_PGO=generate, cmake/Options.cmake);
#   2. the training, billet's own work with the bundled pack: review_loop answers each sample
#      review of the tests (fuzz/corpus/admission_review, manifests/reviews: a GPU Deployment, a
#      RayCluster, an Argo Workflow, a KServe service, a Node, a Pod, a scale, an update, a
#      delete, a v1beta1 review, malformed ones) 2,000 times on each endpoint, all weighed
#      alike so that no one request steers the compiler; `billet review` answers each once
#      (the CLI's path), and `lint` and `audit` read the bundled examples and a generated
#      cluster dump of 2,000 objects (tests/cli/gen_cluster_dump.sh: the offline path at scale,
#      which a handful of examples would leave compiled as if it never ran);
#   3. the same sources again with those counts (-DBILLET_PGO=use) and LTO.
# The server's TLS and HTTP code is not in the training; it is compiled as without a profile.
#
# In a git clone, a build of the same sources (commit, uncommitted changes, untracked files) is not
# repeated: DIR/release.stamp records what it was built from, and the binaries are kept outside the
# clone too (scripts/release_cache.sh), so that another clone of the same commit on this machine
# copies them (seconds) instead of building.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release_cache.sh
dir="${1:-build-release}"
stamp="$(release_key)"
if [[ -n "$stamp" && -x "$dir/billet" && -f "$dir/release.stamp" &&
      "$(cat "$dir/release.stamp")" == "$stamp" ]]; then
  echo "build-release: $dir is built from these sources" >&2
  exit 0
fi
rm -f "$dir/release.stamp"
if release_restore "$dir" "$stamp"; then
  echo "$stamp" > "$dir/release.stamp"
  echo "build-release: $dir copied from $(release_cache_root)/$stamp, built from these sources" >&2
  exit 0
fi
configure() {
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBILLET_WERROR=ON \
    -DBILLET_TESTS=OFF -DBILLET_BENCH=ON "$@" > /dev/null
}

configure -DBILLET_PGO=generate -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF
cmake --build "$dir" -j"$(nproc)" --target billet review_loop
find "$dir" -name '*.gcda' -delete

echo "build-release: training" >&2
for review in fuzz/corpus/admission_review/*.json manifests/reviews/*.json; do
  for endpoint in mutate validate; do
    "$dir/bench/review_loop" "$endpoint" 2000 0 0 "$review" > /dev/null
    # A malformed review: the server answers 400, `billet review` says so and exits 2.
    "$dir/billet" review -p manifests/policies --endpoint "$endpoint" "$review" > /dev/null 2>&1 ||
      [[ $? == 2 ]]
  done
done
# lint exits 1 when a resource breaks an Enforce rule, as some examples do on purpose.
"$dir/billet" lint -p manifests/policies -f manifests/examples --output json > /dev/null || [[ $? == 1 ]]
"$dir/billet" audit -p manifests/policies -f manifests/examples > /dev/null
bash tests/cli/gen_cluster_dump.sh 2000 > "$dir/training-dump.yaml"
"$dir/billet" lint -p manifests/policies -f "$dir/training-dump.yaml" --output json > /dev/null ||
  [[ $? == 1 ]]
"$dir/billet" audit -p manifests/policies -f "$dir/training-dump.yaml" --output policyreport \
  > /dev/null
rm "$dir/training-dump.yaml"

configure -DBILLET_PGO=use -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON
targets=(billet)
[[ "${BENCH:-0}" == 1 ]] && targets+=(admission_benchmark json_parse_benchmark review_loop)
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"
"$dir/billet" version > /dev/null
if [[ -n "$stamp" ]]; then
  release_save "$dir" "$stamp"
  echo "$stamp" > "$dir/release.stamp"
fi
