// The time one request may take to evaluate (EvalOptions::deadline). The server answers within
// the API server's webhook timeout only if evaluation stops in time: the engine asks between
// rules, between pod templates, and in the loops that grow with the request (containers,
// elements, messages); once the deadline has passed, the rules left report an error.
//
//   Deadline deadline(options.deadline, options.budget);
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

  // nullopt: no deadline (the CLI), and the clock is never read. `budget` is the time the
  // request was given in all (the deadline minus its arrival: EvalOptions::budget); zero when
  // not known.
  explicit Deadline(std::optional<Clock::time_point> at, Clock::duration budget = {})
      : at_(at), budget_(budget) {}

  // True once the deadline has passed; it stays passed. The clock is read at the first question
  // and then at every kStride-th: questions come per container and per message, and a clock
  // read costs as much as the work between two of them. Once a read finds more than a sixteenth
  // of the budget spent (which a request of ordinary size never comes near: 125 ms of the
  // default 2 s), every question reads it: the request is large, the work between two
  // questions (a rule over thousands of containers) can take milliseconds, and a read is
  // nothing beside it.
  bool passed() {
    if (!at_ || passed_ || --untilRead_ != 0) return passed_;
    const Clock::time_point now = Clock::now();
    passed_ = now >= *at_;
    untilRead_ = *at_ - now < budget_ - budget_ / kStride ? 1 : kStride;
    return passed_;
  }

 private:
  static constexpr unsigned kStride = 16;
  std::optional<Clock::time_point> at_;
  Clock::duration budget_;
  bool passed_ = false;
  unsigned untilRead_ = 1;  // questions until the clock is read again
};

}  // namespace billet::policy
