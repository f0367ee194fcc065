// Runs the server's router on POST /mutate (or /validate) of the sample in a loop: handleReview
// plus what the server adds per request (metrics, reports, logs, the HTTP response), without
// sockets or TLS. For instruction counts under callgrind (bench/callgrind.sh) and profilers.
//
//   build/bench/route_loop mutate|validate ITERATIONS [OTHER_KIND_POLICIES [MATCHING_POLICIES]]
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "bench/bench_pack.h"
#include "server/router.h"
#include "server/state.h"

int main(int argc, char** argv) {
  namespace server = billet::server;
  namespace http = boost::beast::http;
  if (argc < 3) {
    std::cerr << "usage: route_loop mutate|validate ITERATIONS [OTHER_KIND [MATCHING]]\n";
    return 2;
  }
  const bool validate = std::strcmp(argv[1], "validate") == 0;
  const long iterations = std::atol(argv[2]);
  const int other = argc > 3 ? std::atoi(argv[3]) : 0;
  const int matching = argc > 4 ? std::atoi(argv[4]) : 0;
  server::ServerState state{server::ServerOptions{}};
  state.policies.store(billet::bench::loadPack(other, matching));
  const std::string& body = billet::bench::sampleReview();
  if (body.empty()) {
    std::cerr << "route_loop: sample review not found\n";
    return 1;
  }
  server::Request req{http::verb::post, validate ? "/validate" : "/mutate", 11};
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  std::size_t bytes = server::route(state, server::Port::kAdmission, req).body().size();
  for (long i = 0; i < iterations; ++i)
    bytes += server::route(state, server::Port::kAdmission, req).body().size();
  std::cout << bytes << "\n";  // keeps the loop from being optimized away
  return 0;
}
