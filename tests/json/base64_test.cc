#include "json/base64.h"

#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

using billet::json::base64Decode;
using billet::json::base64Encode;

TEST_CASE("base64: RFC 4648 section 10 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(base64Encode(plain) == encoded);
    auto decoded = base64Decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == plain);
  }
}

TEST_CASE("base64: the standard alphabet, including + and /") {
  CHECK(base64Encode("\xFB\xFF\xBF") == "+/+/");
  CHECK(base64Encode(std::string("\0\0\0", 3)) == "AAAA");
  CHECK(base64Encode("\xFF\xFF\xFF") == "////");
  auto d = base64Decode("+/+/");
  REQUIRE(d);
  CHECK(*d == "\xFB\xFF\xBF");
}

TEST_CASE("base64: every byte value round-trips") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    const std::string part = all.substr(0, len) + all.substr(all.size() - len % 3);
    const std::string enc = base64Encode(part);
    CHECK(enc.size() % 4 == 0);
    auto dec = base64Decode(enc);
    REQUIRE(dec);
    CHECK(*dec == part);
  }
}

TEST_CASE("base64: a JSON Patch as Kubernetes carries it") {
  const std::string patch = R"([{"op":"add","path":"/metadata/labels","value":{"a":"b"}}])";
  const std::string enc = base64Encode(patch);
  CHECK(enc == "W3sib3AiOiJhZGQiLCJwYXRoIjoiL21ldGFkYXRhL2xhYmVscyIsInZhbHVlIjp7ImEiOiJiIn19XQ==");
  CHECK(base64Decode(enc) == patch);
}

TEST_CASE("base64: decode rejects bad input") {
  const char* invalid[] = {
      "Z",             // length not a multiple of four
      "Zg",            // unpadded
      "Zg=",           // short padding
      "Zm9vY",         // length 5
      "Zg===",         // too much padding
      "Z===",          // three padding characters
      "====",          // only padding
      "Zg==Zg==",      // padding in the middle
      "Z=g=",          // padding before data
      "Zm9-",          // URL-safe alphabet is not standard
      "Zm9_",          // URL-safe alphabet is not standard
      "Zm 9",          // whitespace
      "Zm9v\n",        // trailing newline
      "Zm9v\r\nYg==",  // line breaks
      "Zm9\x80",       // non-ASCII
      "Zm9*",          // punctuation
  };
  for (const char* s : invalid) {
    INFO(s);
    CHECK_FALSE(base64Decode(s).has_value());
  }
  CHECK_FALSE(base64Decode(std::string("Zm9\0", 4)).has_value());
}

TEST_CASE("base64: unused bits in the last group are ignored") {
  // "Zh==" has nonzero bits after "f"; Go's StdEncoding accepts it, and so does billet.
  auto d = base64Decode("Zh==");
  REQUIRE(d);
  CHECK(*d == "f");
}

TEST_CASE("base64: encoding the tail of a string in place equals encoding a copy") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
  for (std::size_t len = 0; len <= 40; ++len) {
    const std::string bytes = all.substr(0, len);
    std::string s = "head:" + bytes;
    billet::json::base64EncodeTail(s, 5);
    INFO(len);
    CHECK(s == "head:" + base64Encode(bytes));
  }
  std::string whole = all;
  billet::json::base64EncodeTail(whole, 0);
  CHECK(whole == base64Encode(all));
}

TEST_CASE("base64: in place, as OpenSSL encodes it, for every length up to 600 and any head") {
  // Random bytes: every 6-bit value lands in every position of the four-group blocks.
  std::mt19937 rng(20261204);
  for (std::size_t len = 0; len <= 600; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string expected(4 * ((len + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()),
                                        reinterpret_cast<const unsigned char*>(bytes.data()),
                                        static_cast<int>(len));
    expected.resize(static_cast<std::size_t>(written));
    const std::string head(rng() % 7, 'h');
    std::string s = head + bytes;
    billet::json::base64EncodeTail(s, head.size());
    INFO("length " << len << ", head " << head.size());
    REQUIRE(s == head + expected);
    REQUIRE(base64Encode(bytes) == expected);
  }
}
