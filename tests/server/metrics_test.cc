#include "server/metrics.h"

#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace billet;
using namespace billet::server;
using namespace billet::admission;

TEST_CASE("metrics: SPEC families, bounded labels", "[webhook][metrics]") {
  Metrics m("1.2.3");
  AdmissionReply r;
  r.kind = "Deployment";
  r.operation = "CREATE";
  r.namespace_ = "secret-team";
  r.name = "secret-app";
  r.allowed = false;
  r.results = {{"gpu", "limits", policy::Stage::Validate, policy::Mode::Enforce,
                policy::Outcome::Fail, "x", "high", "GPU"},
               {"gpu", "broken", policy::Stage::Validate, policy::Mode::Enforce,
                policy::Outcome::Error, "y", "high", "GPU"}};
  m.observeAdmission(Endpoint::Validate, r, 0.0002);
  m.observeAdmission(Endpoint::Validate, r, 0.0002);
  AdmissionReply bad;
  bad.status = 400;
  m.observeAdmission(Endpoint::Mutate, bad, 0.00001);
  m.policyReload(true);
  m.setPoliciesLoaded({{"Policy", 7}, {"ServiceGroup", 3}});
  m.setCertificateExpiry(1800000000);
  m.generated("PodDisruptionBudget", "skipped");
  const std::string text = m.serialize();
  auto has = [&](const std::string& s) {
    INFO(s);
    CHECK(text.find(s) != std::string::npos);
  };
  has("billet_admission_requests_total{allowed=\"false\",kind=\"Deployment\",operation=\"CREATE\","
      "webhook=\"validate\"} 2");
  has("billet_admission_requests_total{allowed=\"false\",kind=\"unknown\",operation=\"unknown\","
      "webhook=\"mutate\"} 1");
  has("billet_admission_duration_seconds_bucket{webhook=\"validate\",le=\"0.00025\"} 2");
  has("billet_admission_duration_seconds_bucket{webhook=\"mutate\",le=\"5e-05\"} 1");
  has("billet_admission_duration_seconds_bucket{webhook=\"mutate\",le=\"1\"} 1");
  has("billet_policy_results_total{mode=\"Enforce\",policy=\"gpu\",result=\"fail\",rule=\"limits\"}"
      " 2");
  has("billet_policy_errors_total{policy=\"gpu\",rule=\"broken\"} 2");
  has("billet_policies_loaded{kind=\"Policy\"} 7");
  has("billet_policies_loaded{kind=\"NodePool\"} 0");
  has("billet_policy_reloads_total{result=\"success\"} 1");
  has("billet_policy_reloads_total{result=\"failure\"} 0");
  has("billet_tls_certificate_expiry_timestamp_seconds 1800000000");
  has("billet_generate_total{kind=\"PodDisruptionBudget\",result=\"skipped\"} 1");
  has("billet_build_info{version=\"1.2.3\"} 1");
  CHECK(text.find("secret-team") == std::string::npos);
  CHECK(text.find("secret-app") == std::string::npos);
  CHECK(Metrics::durationBuckets().front() == Approx(0.00005));
  CHECK(Metrics::durationBuckets().back() == Approx(1.0));
}

TEST_CASE("metrics: the kind label takes at most kindLabelLimit values, then other",
          "[webhook][metrics]") {
  Metrics m("test");
  for (int i = 0; i < 100; ++i) {
    AdmissionReply r;
    r.kind = "Kind" + std::to_string(i);
    r.operation = "CREATE";
    m.observeAdmission(Endpoint::Mutate, r, 0.0001);
  }
  std::string text = m.serialize();
  std::size_t kinds = 0;
  for (std::size_t p = text.find("billet_admission_requests_total{"); p != std::string::npos;
       p = text.find("billet_admission_requests_total{", p + 1))
    ++kinds;
  CHECK(kinds == Metrics::kindLabelLimit() + 1);
  CHECK(text.find("kind=\"other\"") != std::string::npos);
  CHECK(text.find("kind=\"Kind63\"") != std::string::npos);
  CHECK(text.find("kind=\"Kind64\"") == std::string::npos);
}

TEST_CASE("metrics: a kind longer than kindLabelLength is other", "[webhook][metrics]") {
  // Twenty made-up kinds of 1 MB each reached 237 MB of labels before the length cap.
  Metrics m("test");
  for (int i = 0; i < 20; ++i) {
    AdmissionReply r;
    r.kind = std::string(1 << 20, static_cast<char>('A' + i));
    r.operation = "CREATE";
    m.observeAdmission(Endpoint::Mutate, r, 0.0001);
  }
  AdmissionReply ok;
  ok.kind = std::string(Metrics::kindLabelLength(), 'K');
  ok.operation = "CREATE";
  m.observeAdmission(Endpoint::Mutate, ok, 0.0001);
  const std::string text = m.serialize();
  CHECK(text.size() < 64 * 1024);
  CHECK(text.find("kind=\"other\",operation=\"CREATE\",webhook=\"mutate\"} 20") !=
        std::string::npos);
  CHECK(text.find("kind=\"" + ok.kind + "\"") != std::string::npos);
}

TEST_CASE("metrics: counts and observations from several threads, folded when read",
          "[webhook][metrics]") {
  // Each I/O thread counts into its own shard (server/metric_shards.h); serialize() folds them.
  // The histogram must read as prometheus-cpp's own Histogram::Observe would have made it from
  // the same values, bounds included (a value equal to a bound counts in that bucket).
  std::vector<double> values;
  for (double b : Metrics::durationBuckets()) {
    values.push_back(b);
    values.push_back(b * 0.999);
    values.push_back(b * 1.001);
  }
  values.push_back(5.0);  // past every bound: +Inf only
  values.push_back(0.0);

  auto reference = std::make_shared<prometheus::Registry>();
  auto& family = prometheus::BuildHistogram()
                     .Name("billet_admission_duration_seconds")
                     .Help("Time to evaluate one AdmissionReview, request body to response body.")
                     .Register(*reference);
  prometheus::Histogram& direct = family.Add({{"webhook", "validate"}}, Metrics::durationBuckets());

  Metrics m("test");
  AdmissionReply r;
  r.kind = "Pod";
  r.operation = "CREATE";
  r.allowed = true;
  r.results = {{"p", "a", policy::Stage::Validate, policy::Mode::Enforce, policy::Outcome::Pass, "",
                "medium", ""}};
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i)
        for (double v : values) m.observeAdmission(Endpoint::Validate, r, v);
    });
  // Read while they count: nothing is lost or counted twice by a fold in the middle.
  for (int i = 0; i < 20; ++i) (void)m.serialize();
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads * kRounds; ++i)
    for (double v : values) direct.Observe(v);

  const std::string text = m.serialize();
  const std::string expected = prometheus::TextSerializer().Serialize(reference->Collect());
  const std::size_t n = static_cast<std::size_t>(kThreads * kRounds) * values.size();
  // Every bucket line and the count of the reference appear as they are.
  std::size_t lines = 0;
  for (std::size_t p = 0, e; (e = expected.find('\n', p)) != std::string::npos; p = e + 1) {
    const std::string line = expected.substr(p, e - p);
    if (line.rfind("billet_admission_duration_seconds_", 0) != 0 ||
        line.find("_sum") != std::string::npos)
      continue;
    INFO(line);
    CHECK(text.find(line + "\n") != std::string::npos);
    ++lines;
  }
  CHECK(lines == Metrics::durationBuckets().size() + 2);  // the buckets, +Inf and the count
  CHECK(text.find("billet_admission_duration_seconds_count{webhook=\"validate\"} " +
                  std::to_string(n)) != std::string::npos);
  CHECK(text.find("billet_admission_requests_total{allowed=\"true\",kind=\"Pod\","
                  "operation=\"CREATE\",webhook=\"validate\"} " +
                  std::to_string(n)) != std::string::npos);
  CHECK(text.find("billet_policy_results_total{mode=\"Enforce\",policy=\"p\",result=\"pass\","
                  "rule=\"a\"} " +
                  std::to_string(n)) != std::string::npos);
  // A second read adds nothing.
  CHECK(m.serialize() == text);
}
