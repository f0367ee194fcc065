// server/router: routing and status codes without a network (the handler itself is the
// engine's; here no policy set is loaded, so admission answers 503 after the HTTP checks).
#include "server/router.h"

#include <catch2/catch.hpp>

using namespace billet::server;
using namespace billet::admission;
using namespace billet::base;

namespace {

Request makeRequest(http::verb method, std::string target, std::string body = "",
                    std::string contentType = "") {
  Request req{method, target, 11};
  if (!contentType.empty()) req.set(http::field::content_type, contentType);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

ServerOptions quietOptions() {
  ServerOptions o;
  o.logLevel = LogLevel::kError;
  o.version = "9.9.9";
  return o;
}

}  // namespace

TEST_CASE("router: probes", "[webhook][router]") {
  ServerState state(quietOptions());
  CHECK(route(state, Port::kAdmission, makeRequest(http::verb::get, "/healthz")).result() ==
        http::status::ok);
  // Not ready without policies and a TLS context.
  CHECK(route(state, Port::kAdmission, makeRequest(http::verb::get, "/readyz")).result() ==
        http::status::service_unavailable);
  state.draining = true;
  Response drain = route(state, Port::kAdmission, makeRequest(http::verb::get, "/readyz"));
  CHECK(drain.result() == http::status::service_unavailable);
  CHECK(drain.body() == "draining\n");
  CHECK(route(state, Port::kAdmission, makeRequest(http::verb::get, "/healthz")).result() ==
        http::status::ok);
}

TEST_CASE("router: methods, paths and content types", "[webhook][router]") {
  ServerState state(quietOptions());
  Response r = route(state, Port::kAdmission, makeRequest(http::verb::get, "/mutate"));
  CHECK(r.result() == http::status::method_not_allowed);
  CHECK(r[http::field::allow] == "POST");
  r = route(state, Port::kAdmission, makeRequest(http::verb::post, "/metrics"));
  CHECK(r.result() == http::status::method_not_allowed);
  CHECK(r[http::field::allow] == "GET");
  CHECK(route(state, Port::kAdmission, makeRequest(http::verb::get, "/admin")).result() ==
        http::status::not_found);
  for (const char* type : {"text/plain", "application/yaml", "application/jsonx", ""}) {
    INFO(type);
    CHECK(route(state, Port::kAdmission, makeRequest(http::verb::post, "/validate", "{}", type))
              .result() == http::status::unsupported_media_type);
  }
  for (const char* type : {"application/json", "Application/JSON; charset=utf-8"}) {
    INFO(type);
    // Passes the HTTP checks; with no policy set loaded the server is not ready.
    CHECK(route(state, Port::kAdmission,
                makeRequest(http::verb::post, "/mutate?timeout=10s", "{}", type))
              .result() == http::status::service_unavailable);
  }
  // The metrics port serves only metrics and probes.
  CHECK(route(state, Port::kMetrics,
              makeRequest(http::verb::post, "/mutate", "{}", "application/json"))
            .result() == http::status::not_found);
  CHECK(route(state, Port::kMetrics, makeRequest(http::verb::get, "/reports")).result() ==
        http::status::not_found);
  CHECK(route(state, Port::kMetrics, makeRequest(http::verb::get, "/metrics")).result() ==
        http::status::ok);
}

TEST_CASE("router: /metrics and /reports", "[webhook][router]") {
  ServerState state(quietOptions());
  Response m = route(state, Port::kAdmission, makeRequest(http::verb::get, "/metrics"));
  CHECK(m[http::field::content_type].find("text/plain; version=0.0.4") == 0);
  CHECK(m.body().find("billet_build_info{version=\"9.9.9\"} 1") != std::string::npos);
  Response j = route(state, Port::kAdmission, makeRequest(http::verb::get, "/reports"));
  CHECK(j.result() == http::status::ok);
  CHECK(j[http::field::content_type] == "application/json");
  CHECK(j.body().find("\"namespaces\":[]") != std::string::npos);
  Response y =
      route(state, Port::kAdmission, makeRequest(http::verb::get, "/reports?format=policyreport"));
  CHECK(y.result() == http::status::ok);
  CHECK(y[http::field::content_type] == "application/yaml");
  CHECK(route(state, Port::kAdmission, makeRequest(http::verb::get, "/reports?format=csv"))
            .result() == http::status::bad_request);
}
