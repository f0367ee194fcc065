// Fuzz target for the server's request handling, in memory: raw bytes → Beast's HTTP/1.1 request
// parser with the session's limits → the router (against the bundled pack) → a response. No
// sockets: the bytes are what a client could send on one keep-alive connection, so they are parsed
// as a pipeline of requests until the parser stops.
//
// Invariants: nothing crashes or throws; every response carries a status Beast knows (100-599)
// and serializes, and the bytes the session writes for it are Beast's serializer's; an admission
// request (POST /mutate or /validate) gets 200, 400 or 415, never a 5xx, and no other request
// gets a 5xx (but /readyz, not ready without TLS); bytes that are not HTTP/1.1 get 400, 413 or
// 431 (what the session answers).
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "policy/policy_set.h"
#include "server/response_bytes.h"
#include "server/router.h"
#include "server/state.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using billet::server::Port;
using billet::server::Request;
using billet::server::Response;

// The session's header limit (server/session.cc kHeaderLimit); the body limit is the server's
// --max-body-bytes default.
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "server_request_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

billet::server::ServerState& state() {
  static billet::server::ServerState* s = [] {
    billet::server::ServerOptions options;
    options.logLevel = billet::base::LogLevel::kError;
    options.version = "fuzz";
    auto* created = new billet::server::ServerState(options);
    auto loaded = billet::policy::loadPolicies(
        billet::base::readTextFiles({BILLET_SOURCE_DIR "/manifests/policies"}));
    if (!loaded.ok()) fail("the bundled pack does not load", loaded.errors[0].format());
    created->policies.store(loaded.set);
    return created;
  }();
  return *s;
}

void check(const Request& req, Port port, const Response& res) {
  const unsigned code = res.result_int();
  if (code < 100 || code > 599 || http::int_to_status(code) == http::status::unknown)
    fail("invalid status", std::to_string(code));
  // The response serializes, and the bytes the session writes (server/response_bytes.h) are
  // Beast's serializer's.
  Response copy = res;
  copy.keep_alive(req.keep_alive());
  copy.prepare_payload();
  std::ostringstream out;
  out << copy;
  if (out.str().rfind("HTTP/1.", 0) != 0) fail("response does not serialize", out.str());
  std::string wire;
  billet::server::appendResponseBytes(copy, wire);
  if (wire != out.str()) fail("the session's bytes differ from Beast's", wire + "\n" + out.str());

  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (port == Port::kAdmission && req.method() == http::verb::post &&
      (path == "/mutate" || path == "/validate")) {
    // 415 for a content type that is not JSON; otherwise the handler's 200 or 400.
    if (code != 200 && code != 400 && code != 415)
      fail("an admission request got neither 200, 400 nor 415",
           std::to_string(code) + "\n" + res.body());
  } else if (code >= 500 && !(path == "/readyz" && code == 503)) {
    // /readyz is 503 here: no TLS context is loaded. Nothing else may fail on the server side.
    fail("a 5xx answer", std::string(target) + " -> " + std::to_string(code));
  }
}

// The status the session answers a request that does not parse with (server/session.cc).
unsigned parseErrorStatus(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::header_limit) return 431;
  return 400;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  billet::server::ServerState& s = state();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // At most 16 pipelined requests per input: enough to cover keep-alive, bounded in time.
  for (int n = 0; n < 16 && !input.empty(); ++n) {
    http::request_parser<billet::server::RequestBody> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(s.options.maxBodyBytes);
    parser.eager(true);
    beast::error_code ec;
    while (!parser.is_done() && !input.empty()) {
      const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
      input.remove_prefix(used);
      if (ec || used == 0) break;
    }
    if (ec == http::error::need_more || (!ec && !parser.is_done())) {
      // Bytes end inside a request: the session would wait, then time out and close. At the end
      // of the stream the parser decides whether the message is complete (a body up to EOF).
      ec = {};
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return 0;
    }
    if (ec) {
      const unsigned status = parseErrorStatus(ec);
      if (status < 400 || status > 499) fail("a malformed request is not a 4xx", ec.message());
      return 0;  // the session answers and closes
    }
    const Request& req = parser.get();
    for (Port port : {Port::kAdmission, Port::kMetrics}) {
      Response res;
      try {
        res = billet::server::route(s, port, req);
      } catch (const std::exception& e) {
        fail("route threw", e.what());
      }
      check(req, port, res);
    }
    if (!req.keep_alive()) return 0;
  }
  return 0;
}
