// What the kube/ tests share around the stand-in API server (fake_api_server.h): a client
// configuration that reaches it.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "kube/client.h"
#include "tests/kube/fake_api_server.h"

namespace billet::test {

// The stand-in's URL and CA, a bearer token, and a timeout short enough for a test.
inline kube::KubeConfig configFor(const FakeApiServer& api, std::string token = "t0ken") {
  auto resolved = kube::resolveKubeApi(api.url(), "/nonexistent");
  REQUIRE(resolved.ok());
  REQUIRE(resolved.value.has_value());
  kube::KubeConfig c = *resolved.value;
  c.caPem = api.caPem();
  c.token = std::move(token);
  c.timeout = std::chrono::seconds(2);
  return c;
}

}  // namespace billet::test
