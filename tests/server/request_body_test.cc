#include "server/request_body.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace http = boost::beast::http;
using billet::server::RequestBody;

namespace {

// Feeds `wire` to a request parser with RequestBody in pieces of `step` bytes, as reads deliver
// them; returns the body, or the error's message.
std::string parseBody(std::string_view wire, std::size_t step, std::size_t limit = 1 << 20) {
  http::request_parser<RequestBody> parser;
  parser.body_limit(limit);
  parser.eager(true);
  boost::system::error_code ec;
  std::string pending;
  for (std::size_t at = 0; at < wire.size() && !parser.is_done(); at += step) {
    pending.append(wire.substr(at, step));
    const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
    if (ec == http::error::need_more) ec = {};
    if (ec) return "error: " + ec.message();
    pending.erase(0, used);
  }
  if (!parser.is_done()) return "error: incomplete";
  return parser.get().body();
}

}  // namespace

TEST_CASE("request body: Content-Length bodies arrive whole, whatever the read sizes") {
  std::string body;
  for (int i = 0; i < 3000; ++i) body += static_cast<char>('a' + i % 26);
  const std::string wire =
      "POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{512}, wire.size()})
    CHECK(parseBody(wire, step) == body);
}

TEST_CASE("request body: chunked bodies are joined in order") {
  const std::string wire =
      "POST /mutate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\n\r\n";
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, wire.size()})
    CHECK(parseBody(wire, step) == "hello, world");
}

TEST_CASE("request body: an empty body and a body over the limit") {
  CHECK(parseBody("POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 4).empty());
  CHECK(parseBody("POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", 4,
                  9) == "error: body limit exceeded");
}
