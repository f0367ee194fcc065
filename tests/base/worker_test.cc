#include "base/worker.h"

#include <pthread.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "tests/eventually.h"

using billet::base::Worker;
using billet::testing::eventually;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// Far longer than any test may take: a wait that ends did not end by itself.
constexpr auto kForever = 1h;

}  // namespace

TEST_CASE("worker: stop ends a waiting body promptly, and waitFor says so") {
  std::atomic<int> waits{0};
  std::atomic<bool> answered{true};
  Worker w;
  w.start("waiter", [&](Worker& self) {
    waits++;
    answered = self.waitFor(kForever);
  });
  REQUIRE(eventually([&] { return waits == 1; }));
  const auto before = Clock::now();
  w.stop();
  CHECK(Clock::now() - before < 2s);
  CHECK_FALSE(answered);
  CHECK(w.stopping());
}

TEST_CASE("worker: wake() runs the body before its interval") {
  std::atomic<int> runs{0};
  Worker w;
  w.start("ticker", [&](Worker& self) {
    while (self.waitFor(kForever)) runs++;
  });
  w.wake();
  REQUIRE(eventually([&] { return runs == 1; }));
  w.wake();
  REQUIRE(eventually([&] { return runs == 2; }));
  w.stop();
  CHECK(runs == 2);
}

TEST_CASE("worker: a wake while the body is busy is kept for its next wait") {
  std::atomic<bool> busy{false}, release{false};
  std::atomic<int> runs{0};
  Worker w;
  w.start("busy", [&](Worker& self) {
    busy = true;
    while (!release) std::this_thread::yield();  // busy: not waiting when wake() comes
    while (self.waitFor(kForever)) runs++;
  });
  REQUIRE(eventually([&] { return busy.load(); }));
  w.wake();
  release = true;
  REQUIRE(eventually([&] { return runs == 1; }));
  w.stop();
}

TEST_CASE("worker: waitFor returns by itself after its duration") {
  std::atomic<int> runs{0};
  Worker w;
  w.start("interval", [&](Worker& self) {
    while (self.waitFor(5ms)) runs++;
  });
  REQUIRE(eventually([&] { return runs >= 3; }));  // three intervals passed, nobody woke it
  w.stop();
}

TEST_CASE("worker: wait() lasts until a wake or a stop") {
  std::atomic<int> woken{0};
  std::atomic<bool> ended{false};
  Worker w;
  w.start("queue", [&](Worker& self) {
    while (self.wait()) woken++;
    ended = true;
  });
  w.wake();
  REQUIRE(eventually([&] { return woken == 1; }));
  CHECK_FALSE(ended);
  w.stop();
  CHECK(ended);
  CHECK(woken == 1);
}

TEST_CASE("worker: sleepFor is not cut short by wake(), only by stop") {
  std::atomic<bool> sleeping{false}, slept{false}, answered{true};
  Worker w;
  w.start("backoff", [&](Worker& self) {
    sleeping = true;
    answered = self.sleepFor(kForever);
    slept = true;
  });
  REQUIRE(eventually([&] { return sleeping.load(); }));
  w.wake();
  // Nothing must happen here: a wake that ended the sleep would show within this window.
  CHECK_FALSE(eventually([&] { return slept.load(); }, 100ms));
  w.stop();
  CHECK(slept);
  CHECK_FALSE(answered);
}

TEST_CASE("worker: the destructor stops and joins, the stop token is seen by a long pass") {
  std::atomic<bool> started{false}, finished{false};
  {
    Worker w;
    w.start("long-pass", [&](Worker& self) {
      started = true;
      const std::atomic<bool>& stop = self.stopToken();
      while (!stop.load()) std::this_thread::yield();  // a pass that polls only the token
      finished = true;
    });
    REQUIRE(eventually([&] { return started.load(); }));
  }
  CHECK(finished);  // set by the body before the destructor returned: it was joined
}

TEST_CASE("worker: stop is idempotent, and harmless before start") {
  Worker idle;
  idle.stop();
  idle.stop();
  CHECK(idle.stopping());

  Worker w;
  std::atomic<int> ends{0};
  w.start("twice", [&](Worker& self) {
    while (self.waitFor(kForever)) {
    }
    ends++;
  });
  w.stop();
  w.stop();
  CHECK(ends == 1);
}

TEST_CASE("worker: requestStop ends the body without joining, stop then joins") {
  std::atomic<bool> ended{false};
  Worker w;
  w.start("two-step", [&](Worker& self) {
    self.sleepFor(kForever);
    ended = true;
  });
  w.requestStop();
  REQUIRE(eventually([&] { return ended.load(); }));
  w.stop();
}

TEST_CASE("worker: the thread carries its name, cut to what Linux keeps") {
  std::string seen;
  Worker w;
  w.start("generate-applier-thread", [&](Worker&) {
    char name[16] = {0};
    ::pthread_getname_np(::pthread_self(), name, sizeof name);
    seen = name;
  });
  w.stop();  // joined: `seen` is written
  CHECK(seen == "generate-applie");
}
