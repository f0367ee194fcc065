// Runs handleReview on the sample in a loop, for instruction counts under callgrind
// (bench/callgrind.sh) and for profilers: no timing, no threads, nothing but the request path.
//
//   build/bench/review_loop mutate|validate ITERATIONS [OTHER_KIND_POLICIES [MATCHING_POLICIES
//                           [REVIEW_FILE]]]
//
// REVIEW_FILE: another AdmissionReview than the sample (scripts/build-release.sh trains the
// release build on every sample review this way).
//
// One warm-up review runs before the loop (first-use allocations, lazy statics); callgrind counts
// from the first call of handleReview after it (--toggle-collect) is set by the script.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "admission/review.h"
#include "bench/bench_pack.h"

int main(int argc, char** argv) {
  using billet::admission::Endpoint;
  if (argc < 3) {
    std::cerr << "usage: review_loop mutate|validate ITERATIONS [OTHER_KIND [MATCHING [REVIEW]]]\n";
    return 2;
  }
  const Endpoint endpoint =
      std::strcmp(argv[1], "validate") == 0 ? Endpoint::Validate : Endpoint::Mutate;
  const long iterations = std::atol(argv[2]);
  const int other = argc > 3 ? std::atoi(argv[3]) : 0;
  const int matching = argc > 4 ? std::atoi(argv[4]) : 0;
  const auto set = billet::bench::loadPack(other, matching);
  const std::string body =
      argc > 5 ? billet::bench::readFile(argv[5]) : billet::bench::sampleReview();
  if (body.empty()) {
    std::cerr << "review_loop: " << (argc > 5 ? argv[5] : "the sample review")
              << " not found or empty\n";
    return 1;
  }
  std::size_t bytes = billet::admission::handleReview(*set, endpoint, body).body.size();
  for (long i = 0; i < iterations; ++i)
    bytes += billet::admission::handleReview(*set, endpoint, body).body.size();
  std::cout << bytes << "\n";  // keeps the loop from being optimized away
  return 0;
}
