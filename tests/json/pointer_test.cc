#include "json/pointer.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using billet::json::appendToken;
using billet::json::escapeToken;
using billet::json::splitPointer;

namespace {

std::vector<std::string> split(std::string_view pointer) {
  std::vector<std::string> tokens;
  INFO("pointer: " << pointer);
  REQUIRE(splitPointer(pointer, tokens));
  return tokens;
}

using Tokens = std::vector<std::string>;

}  // namespace

TEST_CASE("pointer: escaping is exact") {
  CHECK(escapeToken("a/b~c") == "a~1b~0c");
  CHECK(escapeToken("plain") == "plain");
  CHECK(escapeToken("") == "");
  CHECK(escapeToken("~") == "~0");
  CHECK(escapeToken("/") == "~1");
  // "~1" in a key must become "~01", never "/" again or "~1".
  CHECK(escapeToken("~1") == "~01");
  CHECK(escapeToken("~0") == "~00");
  CHECK(escapeToken("/~") == "~1~0");
  CHECK(escapeToken("nvidia.com/gpu") == "nvidia.com~1gpu");
}

TEST_CASE("pointer: appendToken") {
  std::string p;
  appendToken(p, "metadata");
  appendToken(p, "labels");
  appendToken(p, "app.kubernetes.io/name");
  CHECK(p == "/metadata/labels/app.kubernetes.io~1name");
  appendToken(p, "");
  CHECK(p == "/metadata/labels/app.kubernetes.io~1name/");
  std::string q;
  appendToken(q, "a~b/c");
  CHECK(q == "/a~0b~1c");
}

TEST_CASE("pointer: split unescapes") {
  CHECK(split("") == Tokens{});
  CHECK(split("/") == Tokens{""});
  CHECK(split("//") == Tokens{"", ""});
  CHECK(split("/a/b") == Tokens{"a", "b"});
  CHECK(split("/a~1b~0c") == Tokens{"a/b~c"});
  CHECK(split("/~01") == Tokens{"~1"});
  CHECK(split("/~10") == Tokens{"/0"});
  CHECK(split("/spec/containers/0/-") == Tokens{"spec", "containers", "0", "-"});
  CHECK(split("/a/") == Tokens{"a", ""});
  CHECK(split("/ /%25/^|\\\"") == Tokens{" ", "%25", "^|\\\""});
}

TEST_CASE("pointer: split round-trips escaped tokens") {
  const Tokens keys = {"a/b~c", "~1", "~0", "/", "~", "", "x~y/z~~//", "nvidia.com/gpu"};
  std::string p;
  for (const auto& k : keys) appendToken(p, k);
  CHECK(split(p) == keys);
}

TEST_CASE("pointer: split rejects malformed pointers") {
  std::vector<std::string> tokens = {"stale"};
  CHECK_FALSE(splitPointer("a", tokens));
  CHECK_FALSE(splitPointer("a/b", tokens));
  CHECK_FALSE(splitPointer("#/a", tokens));
  CHECK_FALSE(splitPointer("/~", tokens));
  CHECK_FALSE(splitPointer("/a~", tokens));
  CHECK_FALSE(splitPointer("/~2", tokens));
  CHECK_FALSE(splitPointer("/~a", tokens));
  CHECK_FALSE(splitPointer("/ok/~/x", tokens));
  CHECK_FALSE(splitPointer("/~~0", tokens));
  // A valid pointer replaces what the vector held.
  CHECK(splitPointer("/x", tokens));
  CHECK(tokens == Tokens{"x"});
}
