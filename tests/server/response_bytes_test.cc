#include "server/response_bytes.h"

#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

namespace {

using billet::server::Response;
namespace http = boost::beast::http;

// What Beast's own serializer writes for the same response.
std::string beastBytes(const Response& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

Response prepared(http::status status, unsigned version, std::string body, bool keepAlive) {
  Response r{status, version};
  r.set(http::field::content_type, "application/json");
  r.body() = std::move(body);
  r.keep_alive(keepAlive);
  r.prepare_payload();
  return r;
}

}  // namespace

TEST_CASE("response bytes: the same bytes as Beast's serializer") {
  const std::string review = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})";
  for (const Response& r :
       {prepared(http::status::ok, 11, review, true), prepared(http::status::ok, 11, review, false),
        prepared(http::status::ok, 10, review, true),
        prepared(http::status::payload_too_large, 11, "too large\n", false),
        prepared(http::status::not_found, 11, "", true),
        prepared(http::status::service_unavailable, 10, "draining\n", false)}) {
    std::string bytes = "kept: ";
    billet::server::appendResponseBytes(r, bytes);
    CHECK(bytes == "kept: " + beastBytes(r));
  }
}

TEST_CASE("response bytes: a reason and fields of the caller's own") {
  Response r{http::status::ok, 11};
  r.reason("Fine");
  r.set("X-Custom", "a: b");
  r.insert(http::field::warning, "199 - one");
  r.insert(http::field::warning, "199 - two");
  r.body() = "x";
  r.prepare_payload();
  std::string bytes;
  billet::server::appendResponseBytes(r, bytes);
  CHECK(bytes == beastBytes(r));
  CHECK(bytes.rfind("HTTP/1.1 200 Fine\r\n", 0) == 0);
  CHECK(bytes.find("Warning: 199 - one\r\nWarning: 199 - two\r\n") != std::string::npos);
}
