// The pseudo-random source of the randomized YAML tests: xorshift64, seeded from the environment
// variable BILLET_YAML_SEED when it is set (to replay or vary a run), else from the test's own
// constant, so that every test run draws the same inputs.
//
//   SeededRandom random(0x2545F4914F6CDD1Dull);
//   const int lines = static_cast<int>(random.next() % 4);
#pragma once

#include <cstdint>
#include <cstdlib>

namespace billet::cli::testing {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t fallback) {
    const char* seed = std::getenv("BILLET_YAML_SEED");
    state_ = seed ? std::strtoull(seed, nullptr, 10) : fallback;
    if (state_ == 0) state_ = fallback;  // xorshift never leaves 0
  }
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }

 private:
  std::uint64_t state_;
};

}  // namespace billet::cli::testing
