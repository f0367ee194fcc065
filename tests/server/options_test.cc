#include "server/options.h"

#include <catch2/catch.hpp>

using namespace billet::server;
using namespace billet::base;

TEST_CASE("options: listen addresses", "[webhook][options]") {
  auto a = parseListenAddress("0.0.0.0:8443");
  REQUIRE(a);
  CHECK(a->host == "0.0.0.0");
  CHECK(a->port == 8443);
  a = parseListenAddress(":9090");
  REQUIRE(a);
  CHECK(a->host == "0.0.0.0");
  a = parseListenAddress("[::1]:0");
  REQUIRE(a);
  CHECK(a->host == "::1");
  CHECK(a->port == 0);
  CHECK(parseListenAddress("localhost:1")->host == "127.0.0.1");
  for (const char* bad : {"", "8443", "host:", "host:99999", "host:8x", "::1:80", "[::1]80"}) {
    INFO(bad);
    CHECK_FALSE(parseListenAddress(bad));
  }
}

TEST_CASE("options: log levels", "[webhook][options]") {
  CHECK(parseLogLevel("debug") == LogLevel::kDebug);
  CHECK(parseLogLevel("warn") == LogLevel::kWarn);
  CHECK_FALSE(parseLogLevel("loud"));
}
