// What the server's metrics cost per admission review, alone and with two threads answering at
// once (the server's default of two I/O threads):
//
//   build/bench/metrics_benchmark
//
// BM_Metrics is Metrics::observeAdmission (server/metrics.h): a count per rule result and one
// duration observation into this thread's shard (server/metric_shards.h). BM_RegistryDirect does
// the same counting straight on prometheus-cpp's objects, as the server did before the shards:
// Counter::Increment (a compare-and-swap on an atomic double) per result and
// Histogram::Observe (a mutex) per review, on cache lines both threads write.
#include <benchmark/benchmark.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "policy/compiled.h"
#include "server/metrics.h"

namespace {

using billet::admission::AdmissionReply;
using billet::admission::Endpoint;
namespace policy = billet::policy;

// A reply with as many results as the bundled pack gives the sample review, each from its own
// compiled rule (its serial, as the engine sets it).
constexpr int kResults = 40;
const AdmissionReply& reply() {
  static const AdmissionReply r = [] {
    // The results' names, kept for the process as a policy set keeps them (policy::SetName).
    static std::deque<std::string> names;
    AdmissionReply made;
    made.kind = "Deployment";
    made.operation = "CREATE";
    made.allowed = true;
    for (int i = 0; i < kResults; ++i) {
      policy::RuleResult result;
      result.policy = names.emplace_back("policy-" + std::to_string(i / 4));
      result.rule = names.emplace_back("rule-" + std::to_string(i));
      result.stage = policy::Stage::Mutate;
      result.outcome = i % 3 ? policy::Outcome::Skip : policy::Outcome::Pass;
      result.ruleId = billet::policy::nextRuleSerial();
      made.results.push_back(result);
    }
    return made;
  }();
  return r;
}

void BM_Metrics(benchmark::State& state) {
  static billet::server::Metrics* metrics = nullptr;
  if (state.thread_index() == 0) metrics = new billet::server::Metrics("bench");
  const AdmissionReply& r = reply();
  for (auto _ : state) metrics->observeAdmission(Endpoint::Mutate, r, 0.0002);
  if (state.thread_index() == 0) {
    // Every thread has left its loop: the counts are folded in once, then the instance goes.
    benchmark::DoNotOptimize(metrics->serialize());
    delete metrics;
  }
}
BENCHMARK(BM_Metrics)->Threads(1)->Threads(2)->UseRealTime();

void BM_RegistryDirect(benchmark::State& state) {
  static std::shared_ptr<prometheus::Registry> registry;
  static std::vector<prometheus::Counter*> counters;
  static prometheus::Histogram* histogram = nullptr;
  if (state.thread_index() == 0) {
    registry = std::make_shared<prometheus::Registry>();
    auto& results = prometheus::BuildCounter().Name("results_total").Help("x").Register(*registry);
    counters.clear();
    for (int i = 0; i < kResults; ++i)
      counters.push_back(&results.Add({{"rule", std::to_string(i)}}));
    histogram = &prometheus::BuildHistogram()
                     .Name("duration_seconds")
                     .Help("x")
                     .Register(*registry)
                     .Add({}, billet::server::Metrics::durationBuckets());
  }
  for (auto _ : state) {
    histogram->Observe(0.0002);
    for (prometheus::Counter* c : counters) c->Increment();
  }
}
BENCHMARK(BM_RegistryDirect)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
