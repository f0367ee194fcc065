// In-process admission handling: parse -> evaluate -> serialize, on the sample review and the
// bundled policy pack, the way POST /mutate and /validate run it (without the network).
//
//   build/bench/admission_benchmark --benchmark_repetitions=5 --benchmark_report_aggregates_only
//
// The "+1000 other-kind policies" variants load 1,000 extra policies that match other kinds, to
// show that the index by kind keeps them from costing anything on this request.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "policy/compiled.h"
#include "policy/policy_set.h"
#include "admission/review.h"

namespace {

using billet::policy::LoadResult;
using billet::admission::Endpoint;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string& sample() {
  static const std::string body = readFile(BILLET_SAMPLE_REVIEW);
  return body;
}

std::shared_ptr<const billet::policy::PolicySet> pack(int extraPolicies) {
  std::string text;
  for (int i = 0; i < extraPolicies; ++i) {
    const char* kinds[] = {"ConfigMap", "Secret", "Service", "Ingress", "Node"};
    text += "---\napiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: other-" +
            std::to_string(i) + "}\nspec:\n  match: {kinds: [" + kinds[i % 5] +
            "]}\n  rules:\n    - name: label\n      mutate: {labels: {team: t" + std::to_string(i) +
            "}}\n    - name: check\n      validate: {require: [{path: object.metadata.name, op: "
            "Matches, value: '^[a-z]'}]}\n";
  }
  std::string all;
  for (const char* f : {"settings", "service-groups", "runtime-nodepool", "gpu-workloads",
                        "high-availability", "scale-to-zero", "baseline"})
    all += "---\n" + readFile(std::string(BILLET_SOURCE_DIR "/manifests/policies/") + f + ".yaml") +
           "\n";
  LoadResult r = billet::policy::loadPoliciesFromText("bench.yaml", all + text);
  if (!r.ok()) {
    for (const auto& e : r.errors) std::cerr << e.format() << "\n";
    std::abort();
  }
  return r.set;
}

void run(benchmark::State& state, Endpoint endpoint, int extra) {
  auto set = pack(extra);
  const std::string& body = sample();
  if (body.empty()) {
    state.SkipWithError("sample review not found");
    return;
  }
  for (auto _ : state) {
    auto reply = billet::admission::handleReview(*set, endpoint, body);
    benchmark::DoNotOptimize(reply.body.data());
  }
}

void BM_Mutate(benchmark::State& s) {
  run(s, Endpoint::Mutate, 0);
}
void BM_Validate(benchmark::State& s) {
  run(s, Endpoint::Validate, 0);
}
void BM_MutatePlus1000OtherKind(benchmark::State& s) {
  run(s, Endpoint::Mutate, 1000);
}
void BM_ValidatePlus1000OtherKind(benchmark::State& s) {
  run(s, Endpoint::Validate, 1000);
}

BENCHMARK(BM_Mutate);
BENCHMARK(BM_Validate);
BENCHMARK(BM_MutatePlus1000OtherKind);
BENCHMARK(BM_ValidatePlus1000OtherKind);

}  // namespace

BENCHMARK_MAIN();
