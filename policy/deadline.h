// The time one request may take to evaluate (EvalOptions::deadline). The server answers within
// the API server's webhook timeout only if evaluation stops in time: the engine asks between
// rules, between pod templates, and in the loops that grow with the request (containers,
// elements, messages); once the deadline has passed, the rules left report an error.
//
//   Deadline deadline(options.deadline);
//   for (...) {
//     if (deadline.passed()) return error(kDeadlineExceeded);
//     ...
//   }
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace billet::policy {

// The message of a rule the deadline stopped.
inline constexpr std::string_view kDeadlineExceeded = "deadline exceeded";

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // nullopt: no deadline (the CLI), and the clock is never read.
  explicit Deadline(std::optional<Clock::time_point> at) : at_(at) {}

  // True once the deadline has passed; it stays passed. The clock is read at the first question
  // and then at every kStride-th: questions come per container and per message, and a clock
  // read costs as much as the work between two of them.
  bool passed() {
    if (at_ && !passed_ && questions_++ % kStride == 0) passed_ = Clock::now() >= *at_;
    return passed_;
  }

 private:
  static constexpr unsigned kStride = 16;
  std::optional<Clock::time_point> at_;
  bool passed_ = false;
  unsigned questions_ = 0;
};

}  // namespace billet::policy
