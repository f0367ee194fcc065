// Waiting in tests: poll a condition until it holds or a deadline passes. Never a fixed sleep
// for something to happen: on a loaded machine any fixed time is sometimes too short, and
// always too long when the machine is idle.
//
//   REQUIRE(billet::testing::eventually([&] { return writes() == 2; }));
#pragma once

#include <chrono>
#include <thread>

namespace billet::testing {

// True as soon as `condition()` is; false when it still is not at `timeout`.
template <class Condition>
bool eventually(Condition condition,
                std::chrono::steady_clock::duration timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

}  // namespace billet::testing
