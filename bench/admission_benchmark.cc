// In-process admission handling: parse -> evaluate -> serialize, on the sample review and the
// bundled policy pack (manifests/policies), the way POST /mutate and /validate run it (without
// the network).
//
//   taskset -c 1 build/bench/admission_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only   (one line)
//
// BM_*/OtherKind/N load N extra generated policies for kinds other than the sample's (the index
// by kind must keep them from costing anything: flat cost); BM_*/Matching/N load N extra
// policies that match the sample's kind and run on every review (the cost per matching policy).
#include <benchmark/benchmark.h>

#include <map>
#include <utility>

#include "admission/review.h"
#include "bench/bench_pack.h"

namespace {

using billet::admission::Endpoint;
using PackPtr = std::shared_ptr<const billet::policy::PolicySet>;

// Sets are loaded once per (other-kind, matching) pair and kept for the run.
const PackPtr& pack(int otherKind, int matching) {
  static std::map<std::pair<int, int>, PackPtr> loaded;
  PackPtr& p = loaded[{otherKind, matching}];
  if (!p) p = billet::bench::loadPack(otherKind, matching);
  return p;
}

void run(benchmark::State& state, Endpoint endpoint, int otherKind, int matching) {
  const std::string& body = billet::bench::sampleReview();
  if (body.empty()) {
    state.SkipWithError("sample review not found");
    return;
  }
  const PackPtr& set = pack(otherKind, matching);
  for (auto _ : state) {
    auto reply = billet::admission::handleReview(*set, endpoint, body);
    benchmark::DoNotOptimize(reply.body.data());
  }
}

void BM_Mutate(benchmark::State& s) {
  run(s, Endpoint::Mutate, 0, 0);
}
void BM_Validate(benchmark::State& s) {
  run(s, Endpoint::Validate, 0, 0);
}
void BM_MutateOtherKind(benchmark::State& s) {
  run(s, Endpoint::Mutate, static_cast<int>(s.range(0)), 0);
}
void BM_ValidateOtherKind(benchmark::State& s) {
  run(s, Endpoint::Validate, static_cast<int>(s.range(0)), 0);
}
void BM_MutateMatching(benchmark::State& s) {
  run(s, Endpoint::Mutate, 0, static_cast<int>(s.range(0)));
}
void BM_ValidateMatching(benchmark::State& s) {
  run(s, Endpoint::Validate, 0, static_cast<int>(s.range(0)));
}

BENCHMARK(BM_Mutate);
BENCHMARK(BM_Validate);
BENCHMARK(BM_MutateOtherKind)->ArgName("OtherKind")->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_ValidateOtherKind)->ArgName("OtherKind")->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_MutateMatching)->ArgName("Matching")->Arg(1)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_ValidateMatching)->ArgName("Matching")->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
