// The reader of the workloads scale requests need (kube/object_reader.h), against the local
// HTTPS stand-in for the API server: answers on the reader's thread, a bounded queue, reads that
// waited too long and reads still queued at stop answered without a GET.
#include "kube/object_reader.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/kube/api_fixture.h"

using namespace billet::kube;
using billet::test::ApiAnswer;
using billet::test::ApiRequest;
using billet::test::configFor;
using billet::test::FakeApiServer;
using namespace std::chrono_literals;

namespace {

// The answers the reader gave, by target, as they arrive from its thread.
class Answers {
 public:
  ObjectReader::Done forTarget(std::string target) {
    return [this, target](KubeResponse r) {
      std::lock_guard<std::mutex> lock(mu_);
      got_.emplace_back(target, std::move(r));
      cv_.notify_all();
    };
  }
  // Waits (at most 5 s) for n answers in all.
  std::vector<std::pair<std::string, KubeResponse>> wait(std::size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, 5s, [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, KubeResponse>> got_;
};

const std::string kWeb = "/apis/apps/v1/namespaces/shop/deployments/web";
const std::string kSlow = "/apis/apps/v1/namespaces/shop/deployments/slow";
const std::string kDb = "/apis/apps/v1/namespaces/shop/statefulsets/db";

// The stand-in's answers; a GET of kSlow takes 400 ms, and `slowStarted` is set as it begins
// (the stand-in records a request only once its handler returns).
struct Answerer {
  std::atomic<bool> slowStarted{false};
  ApiAnswer operator()(const ApiRequest& r) {
    if (r.target == kSlow) {
      slowStarted = true;
      std::this_thread::sleep_for(400ms);
    }
    if (r.target == kDb) return ApiAnswer{403, R"({"message":"forbidden"})"};
    return ApiAnswer{200, R"({"metadata":{"name":"web"}})"};
  }
  // Waits (at most 5 s) until the slow GET is in flight.
  bool slowInFlight() const {
    for (int i = 0; i < 500 && !slowStarted; ++i) std::this_thread::sleep_for(10ms);
    return slowStarted;
  }
};

}  // namespace

TEST_CASE("object reader: GETs with the token, answers on its own thread") {
  Answerer answerer;
  FakeApiServer api([&](const ApiRequest& r) { return answerer(r); });
  ObjectReader reader(KubeClient(configFor(api)), ObjectReader::Options{});
  Answers answers;
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id answeredOn;
  REQUIRE(reader.read(kWeb, [&, done = answers.forTarget(kWeb)](KubeResponse r) {
    answeredOn = std::this_thread::get_id();
    done(std::move(r));
  }));
  REQUIRE(reader.read(kDb, answers.forTarget(kDb)));
  auto got = answers.wait(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].first == kWeb);
  CHECK(got[0].second.status == 200);
  CHECK(got[0].second.body == R"({"metadata":{"name":"web"}})");
  CHECK(got[1].second.status == 403);
  CHECK(answeredOn != caller);
  const auto requests = api.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].authorization == "Bearer t0ken");
}

TEST_CASE("object reader: the queue is bounded, a read that waited too long makes no call") {
  Answerer answerer;
  FakeApiServer api([&](const ApiRequest& r) { return answerer(r); });
  ObjectReader::Options options;
  options.maxQueue = 1;
  options.maxWait = 100ms;
  ObjectReader reader(KubeClient(configFor(api)), options);
  Answers answers;
  REQUIRE(reader.read(kSlow, answers.forTarget(kSlow)));
  REQUIRE(answerer.slowInFlight());  // the queue is empty again
  CHECK(reader.read(kWeb, answers.forTarget(kWeb)));
  CHECK_FALSE(reader.read(kDb, answers.forTarget(kDb)));  // full: not queued, never answered
  auto got = answers.wait(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].first == kSlow);
  CHECK(got[0].second.status == 200);
  // Queued for the 400 ms the slow read took, past maxWait: answered without a GET.
  CHECK(got[1].first == kWeb);
  CHECK(got[1].second.status == 0);
  CHECK(got[1].second.body == "not read: billet's read queue is behind");
  CHECK(api.requests().size() == 1);
}

TEST_CASE("object reader: stop answers the reads still queued and refuses new ones") {
  Answerer answerer;
  FakeApiServer api([&](const ApiRequest& r) { return answerer(r); });
  ObjectReader reader(KubeClient(configFor(api)), ObjectReader::Options{});
  Answers answers;
  REQUIRE(reader.read(kSlow, answers.forTarget(kSlow)));
  REQUIRE(answerer.slowInFlight());
  REQUIRE(reader.read(kWeb, answers.forTarget(kWeb)));
  reader.stop();  // finishes the slow read, answers the queued one
  auto got = answers.wait(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].first == kWeb);
  CHECK(got[0].second.status == 0);
  CHECK(got[0].second.body == "billet is stopping");
  CHECK(got[1].first == kSlow);
  CHECK(got[1].second.status == 200);
  CHECK_FALSE(reader.read(kWeb, answers.forTarget(kWeb)));
  CHECK(api.requests().size() == 1);
}
