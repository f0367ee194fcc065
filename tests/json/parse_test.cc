#include "json/parse.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "json/write.h"

using billet::json::Member;
using billet::json::parse;
using billet::json::Type;
using billet::json::Value;
using billet::json::write;

namespace {

std::string nested(int depth, char open, char close) {
  return std::string(static_cast<std::size_t>(depth), open) +
         std::string(static_cast<std::size_t>(depth), close);
}

// Parses and requires success; returns the value.
Value ok(std::string_view text) {
  auto r = parse(text);
  INFO("input: " << text);
  REQUIRE(r.error == "");
  return r.value;
}

// Parses and requires failure; returns the error.
std::string bad(std::string_view text) {
  auto r = parse(text);
  INFO("input: " << text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.value.isNull());
  CHECK(r.error.find('\n') == std::string::npos);
  return r.error;
}

}  // namespace

TEST_CASE("parse: scalars at the root") {
  CHECK(ok("null").isNull());
  CHECK(ok("true").asBool() == true);
  CHECK(ok("false").asBool() == false);
  CHECK(ok("\"hi\"").asString() == "hi");
  CHECK(ok("0").asNumberText() == "0");
  CHECK(ok("  \t\r\n 42 \n").asNumberText() == "42");
}

TEST_CASE("parse: objects keep member order") {
  Value v = ok(R"({"z":1,"a":2,"m":{"y":true,"b":null}})");
  REQUIRE(v.isObject());
  const auto& o = v.asObject();
  REQUIRE(o.size() == 3);
  CHECK(o[0].key == "z");
  CHECK(o[1].key == "a");
  CHECK(o[2].key == "m");
  const auto& inner = o[2].value.asObject();
  REQUIRE(inner.size() == 2);
  CHECK(inner[0].key == "y");
  CHECK(inner[1].key == "b");
  CHECK(write(v) == R"({"z":1,"a":2,"m":{"y":true,"b":null}})");
}

TEST_CASE("parse: arrays, nesting and whitespace") {
  Value v = ok(" [ 1 , [ ] , { } , [ [ \"x\" ] ] , { \"k\" : [ null ] } ] ");
  REQUIRE(v.isArray());
  REQUIRE(v.size() == 5);
  CHECK(v.asArray()[0].asNumberText() == "1");
  CHECK(v.asArray()[1].isArray());
  CHECK(v.asArray()[1].size() == 0);
  CHECK(v.asArray()[2].isObject());
  CHECK(v.asArray()[2].size() == 0);
  CHECK(v.asArray()[3].asArray()[0].asArray()[0].asString() == "x");
  CHECK(v.asArray()[4].find("k")->asArray()[0].isNull());
  CHECK(write(v) == R"([1,[],{},[["x"]],{"k":[null]}])");
}

TEST_CASE("parse: containers with many members and elements") {
  std::string text = "{";
  for (int i = 0; i < 1000; ++i) {
    if (i) text += ",";
    text += "\"k" + std::to_string(i) + "\":[" + std::to_string(i) + ",\"v\"]";
  }
  text += "}";
  Value v = ok(text);
  REQUIRE(v.size() == 1000);
  CHECK(v.asObject()[999].key == "k999");
  CHECK(v.asObject()[999].value.asArray()[0].asNumberText() == "999");
  CHECK(write(v) == text);
}

TEST_CASE("parse: numbers keep their text") {
  const char* numbers[] = {"0",
                           "-0",
                           "52000",
                           "1e3",
                           "1E3",
                           "1e+3",
                           "1e-3",
                           "-1.5",
                           "0.0",
                           "3.14159",
                           "1.0e10",
                           "-0.000001",
                           "123456789012345678901234567890",
                           "18446744073709551616",
                           "-9223372036854775809",
                           "1e400",
                           "0.1e-400"};
  for (const char* n : numbers) {
    Value v = ok(n);
    REQUIRE(v.isNumber());
    CHECK(v.asNumberText() == n);
    Value inArray = ok(std::string("[") + n + "]");
    CHECK(inArray.asArray()[0].asNumberText() == n);
  }
  CHECK(write(ok(R"({"replicas":52000,"cpu":1.50,"big":1e3})")) ==
        R"({"replicas":52000,"cpu":1.50,"big":1e3})");
}

TEST_CASE("parse: invalid numbers") {
  for (const char* n : {"01", "-01", "00", "1.", "-", "-a", ".5", "+1", "1e", "1e+", "1.e3", "0x10",
                        "1..2", "--1", "1ee3", "Infinity", "NaN", "-Infinity"}) {
    INFO(n);
    bad(n);
  }
  CHECK(bad("[01]") == "invalid JSON: invalid number (leading zero) at byte 1");
  CHECK(bad("1.") == "invalid JSON: invalid number at byte 0");
}

TEST_CASE("parse: string escapes") {
  CHECK(ok(R"("a\"b\\c\/d\be\ff\ng\rh\ti")").asString() == "a\"b\\c/d\be\ff\ng\rh\ti");
  CHECK(ok(R"("\u0041\u00e9\u20AC")").asString() == "A\xC3\xA9\xE2\x82\xAC");
  CHECK(ok(R"("\u0000")").asString() == std::string(1, '\0'));
  CHECK(ok(R"("x\u001fy")").asString() == "x\x1Fy");
  // Surrogate pairs become one 4-byte UTF-8 sequence.
  CHECK(ok(R"("\uD83D\uDE00")").asString() == "\xF0\x9F\x98\x80");
  CHECK(ok(R"("\ud834\udd1e")").asString() == "\xF0\x9D\x84\x9E");
  CHECK(ok(R"("\uDBFF\uDFFF")").asString() == "\xF4\x8F\xBF\xBF");
  // Escapes in keys, and escapes mixed with raw UTF-8 and long runs.
  Value v = ok(R"({"a\/b":"caf\u00e9 \u00fcber \u2603 snowman, and then a longer tail of text"})");
  REQUIRE(v.size() == 1);
  CHECK(v.asObject()[0].key == "a/b");
  CHECK(v.asObject()[0].value.asString() ==
        "caf\xC3\xA9 \xC3\xBC"
        "ber \xE2\x98\x83 snowman, and then a longer tail of text");
}

TEST_CASE("parse: invalid escapes") {
  CHECK(bad(R"("\x")") == "invalid JSON: invalid escape at byte 1");
  bad(R"("\U0041")");
  bad(R"("\')");
  CHECK(bad(R"("\u12")") == "invalid JSON: invalid \\u escape at byte 1");
  bad(R"("\u12G4")");
  bad(R"("\u")");
  CHECK(bad(R"("ab\uD83D)") == "invalid JSON: unclosed string at byte 0");
}

TEST_CASE("parse: a surrogate escape that pairs with nothing is U+FFFD, as Go reads it") {
  // Each expectation is what Go's encoding/json (the API server's and kubectl's decoder) gives.
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(ok(R"("\uD800")").asString() == fffd);
  CHECK(ok(R"("\uDC00")").asString() == fffd);
  CHECK(ok(R"("\uDE00\uD83D")").asString() == fffd + fffd);
  CHECK(ok(R"("\uD83Dx")").asString() == fffd + "x");
  CHECK(ok(R"("\uD83D\u0041")").asString() == fffd + "A");
  CHECK(ok(R"("\uD83D\uD83D")").asString() == fffd + fffd);
  // The escape after a lone high half is read on its own, and may begin a pair.
  CHECK(ok(R"("\uD83D\uD83D\uDE00")").asString() == fffd + "\xF0\x9F\x98\x80");
  CHECK(ok(R"("\uD83D\n")").asString() == fffd + "\n");
  // In a key too.
  CHECK(ok(R"({"k\udc00":1})").asObject()[0].key == "k" + fffd);
}

TEST_CASE("parse: raw UTF-8 passes through, invalid UTF-8 is rejected") {
  CHECK(ok("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"").asString() ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(ok("\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\xED\x9F\xBF\"").asString().size() == 10);
  const char* invalid[] = {
      "\"\x80\"",              // lone continuation byte
      "\"\xC3\"",              // truncated 2-byte sequence
      "\"\xC3x\"",             // bad continuation
      "\"\xC0\x80\"",          // overlong NUL
      "\"\xC1\xBF\"",          // overlong
      "\"\xE0\x80\x80\"",      // overlong 3-byte
      "\"\xE0\x9F\xBF\"",      // overlong 3-byte
      "\"\xED\xA0\x80\"",      // UTF-16 surrogate encoded in UTF-8
      "\"\xF0\x80\x80\x80\"",  // overlong 4-byte
      "\"\xF4\x90\x80\x80\"",  // above U+10FFFF
      "\"\xF5\x80\x80\x80\"",  // invalid lead byte
      "\"\xFF\"",              // invalid byte
      "\"\xE2\x82\"",          // truncated before the quote
  };
  for (const char* s : invalid) {
    INFO(s);
    CHECK(bad(s).find("invalid UTF-8 at byte 1") != std::string::npos);
  }
  // Offsets count bytes, also in long strings scanned in blocks.
  std::string longer = "\"" + std::string(40, 'a') + "\xC3(\"";
  CHECK(bad(longer) == "invalid JSON: invalid UTF-8 at byte 41");
  // Invalid UTF-8 after an escape, and outside strings.
  bad("\"\\n\xC3\"");
  CHECK(bad("\xEF\xBB\xBF{}") == "invalid JSON: unexpected byte 0xEF at byte 0");
}

TEST_CASE("parse: control characters must be escaped in strings") {
  CHECK(bad("\"a\nb\"") == "invalid JSON: control character in string at byte 2");
  bad(std::string("\"a\0b\"", 5));
  bad("\"\t\"");
  bad("\"\x1F\"");
  CHECK(ok("\"\x7F\"").asString() == "\x7F");  // DEL is not a control character in JSON
}

TEST_CASE("parse: error classes name the problem and the byte") {
  CHECK(bad("") == "invalid JSON: empty input");
  CHECK(bad("   \n ") == "invalid JSON: empty input");
  CHECK(bad("{\"a\":1} x") == "invalid JSON: trailing characters after the document at byte 8");
  CHECK(bad("{} {}") == "invalid JSON: trailing characters after the document at byte 3");
  CHECK(bad("1 2") == "invalid JSON: trailing characters after the document at byte 2");
  CHECK(bad(std::string("{}\0", 3)) ==
        "invalid JSON: trailing characters after the document at byte 2");
  CHECK(bad("{\"a\":\"xyz") == "invalid JSON: unclosed string at byte 5");
  CHECK(bad("\"abc\\") == "invalid JSON: unclosed string at byte 0");
  CHECK(bad("{\"a\" 1}") == "invalid JSON: expected ':' after object key at byte 5");
  CHECK(bad("{\"a\":1 \"b\":2}") == "invalid JSON: expected ',' or '}' in object at byte 7");
  CHECK(bad("[1 2]") == "invalid JSON: expected ',' or ']' in array at byte 3");
  CHECK(bad("{a:1}") == "invalid JSON: expected string key at byte 1");
  CHECK(bad("{\"a\":1,}") == "invalid JSON: expected string key at byte 7");
  CHECK(bad("[1,]") == "invalid JSON: unexpected character ']' at byte 3");
  CHECK(bad("[,1]") == "invalid JSON: unexpected character ',' at byte 1");
  CHECK(bad("{\"a\":}") == "invalid JSON: unexpected character '}' at byte 5");
  CHECK(bad("[") == "invalid JSON: unexpected end of input at byte 1");
  CHECK(bad("{") == "invalid JSON: unexpected end of input at byte 1");
  CHECK(bad("{\"a\"") == "invalid JSON: unexpected end of input at byte 4");
  CHECK(bad("{\"a\":") == "invalid JSON: unexpected end of input at byte 5");
  CHECK(bad("[1,") == "invalid JSON: unexpected end of input at byte 3");
  CHECK(bad("[1") == "invalid JSON: unexpected end of input at byte 2");
  CHECK(bad("{\"a\":1") == "invalid JSON: unexpected end of input at byte 6");
  CHECK(bad("tru") == "invalid JSON: invalid literal at byte 0");
  CHECK(bad("nul") == "invalid JSON: invalid literal at byte 0");
  CHECK(bad("True") == "invalid JSON: unexpected character 'T' at byte 0");
  CHECK(bad("truex") == "invalid JSON: invalid literal at byte 4");
  CHECK(bad("[nulll]") == "invalid JSON: invalid literal at byte 5");
  CHECK(bad("'a'") == "invalid JSON: unexpected character ''' at byte 0");
  CHECK(bad("/* c */ 1") == "invalid JSON: unexpected character '/' at byte 0");
  CHECK(bad("\x01") == "invalid JSON: unexpected byte 0x01 at byte 0");
  CHECK(bad("]") == "invalid JSON: unexpected character ']' at byte 0");
  bad("\v1");     // vertical tab is not JSON whitespace
  bad("\f1");     // nor form feed
  bad("\xA0 1");  // nor non-breaking space
}

TEST_CASE("parse: nesting depth limit is exact") {
  // The root container is depth 1: 512 levels are accepted, 513 rejected.
  Value deepest = ok(nested(512, '[', ']'));
  int depth = 0;
  const Value* v = &deepest;
  while (v->isArray()) {
    ++depth;
    if (v->asArray().empty()) break;
    v = &v->asArray()[0];
  }
  CHECK(depth == 512);
  CHECK(bad(nested(513, '[', ']')) == "JSON nesting deeper than 512");

  std::string objects512, objects513;
  for (int i = 0; i < 512; ++i) objects512 += "{\"a\":";
  objects512 += "1" + std::string(512, '}');
  for (int i = 0; i < 513; ++i) objects513 += "{\"a\":";
  objects513 += "1" + std::string(513, '}');
  ok(objects512);
  CHECK(bad(objects513) == "JSON nesting deeper than 512");

  // Empty containers count too, as do mixed ones.
  ok(nested(511, '[', ']').insert(511, "{}"));
  CHECK(bad(nested(512, '[', ']').insert(512, "{}")) == "JSON nesting deeper than 512");

  // Other limits, and scalars need no depth.
  CHECK(parse("[[1]]", 2).ok());
  CHECK(parse("[[[1]]]", 2).error == "JSON nesting deeper than 2");
  CHECK(parse("{}", 1).ok());
  CHECK(parse("{}", 0).error == "JSON nesting deeper than 0");
  CHECK(parse("\"s\"", 0).ok());
  CHECK(parse("7", -1).ok());
}

TEST_CASE("parse: hostile nesting far past the limit fails cleanly") {
  CHECK(bad(std::string(1000000, '[')) == "JSON nesting deeper than 512");
  std::string objects;
  for (int i = 0; i < 200000; ++i) objects += "{\"a\":";
  CHECK(bad(objects) == "JSON nesting deeper than 512");
  // Unclosed but within the limit: an end-of-input error, not a crash.
  CHECK(bad(std::string(512, '[')) == "invalid JSON: unexpected end of input at byte 512");
}

TEST_CASE("parse: duplicate keys keep the last value at the first position") {
  Value v = ok(R"({"a":1,"b":2,"a":3})");
  REQUIRE(v.size() == 2);
  CHECK(v.asObject()[0].key == "a");
  CHECK(v.asObject()[0].value.asNumberText() == "3");
  CHECK(v.asObject()[1].key == "b");
  CHECK(write(v) == R"({"a":3,"b":2})");

  // A duplicate replaces a whole subtree, and escapes are compared decoded.
  CHECK(write(ok(R"({"x":{"deep":[1,2]},"x":"flat","\u0078":[true]})")) == R"({"x":[true]})");

  // Large objects are deduplicated too (checked when the object closes).
  std::string text = "{";
  for (int i = 0; i < 100; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += "\"k5\":\"five\",\"k99\":\"last\",\"k5\":\"again\"}";
  Value big = ok(text);
  REQUIRE(big.size() == 100);
  CHECK(big.asObject()[5].key == "k5");
  CHECK(big.asObject()[5].value.asString() == "again");
  CHECK(big.asObject()[99].value.asString() == "last");
  CHECK(big.asObject()[6].key == "k6");
  // Lookups in it (hashed past a few dozen members) find each member once, after the dedupe.
  const Value& constBig = big;
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    INFO(key);
    REQUIRE(constBig.find(key) == &constBig.asObject()[static_cast<std::size_t>(i)].value);
  }
  CHECK(constBig.find("k100") == nullptr);
  CHECK(constBig.find("k5")->asString() == "again");

  // Many distinct keys whose cheap hashes collide are not mistaken for duplicates.
  Value distinct = ok(R"({"ab":1,"ba":2,"aab":3,"abb":4,"a":5,"":6,"b":7,"":8})");
  CHECK(write(distinct) == R"({"ab":1,"ba":2,"aab":3,"abb":4,"a":5,"":8,"b":7})");
}

TEST_CASE("parse: the AdmissionReview sample") {
  std::ifstream in(BILLET_SOURCE_DIR "/../shared/samples/review-deployment-gpu.json",
                   std::ios::binary);
  // A clone without the shared samples beside it: the same review, kept as a fuzz seed.
  if (!in)
    in.open(BILLET_SOURCE_DIR "/fuzz/corpus/admission_review/sample-deployment-gpu.json",
            std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse(ss.str());
  REQUIRE(r.ok());
  CHECK(r.value.find("kind")->asString() == "AdmissionReview");
  const Value* uid = billet::json::dig(r.value, {"request", "uid"});
  REQUIRE(uid != nullptr);
  CHECK(uid->asString() == "705ab4f5-6393-11e8-b7cc-42010a800002");
  // Writing and parsing again gives the same document, twice over.
  std::string once = write(r.value);
  auto again = parse(once);
  REQUIRE(again.ok());
  CHECK(again.value == r.value);
  CHECK(write(again.value) == once);
}

TEST_CASE("parse: a failed parse leaves no state behind for the next one") {
  bad("{\"a\":[1,2,{\"b\":\"\\u00e9");
  bad(nested(600, '[', ']'));
  Value v = ok(R"({"after":"\u00e9","x":[1]})");
  CHECK(write(v) == "{\"after\":\"\xC3\xA9\",\"x\":[1]}");
}

TEST_CASE("parse: types") {
  Value v = ok(R"([null,true,1,"s",[],{}])");
  const Type expected[] = {Type::kNull,   Type::kBool,  Type::kNumber,
                           Type::kString, Type::kArray, Type::kObject};
  REQUIRE(v.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(v.asArray()[i].type() == expected[i]);
}

TEST_CASE("parse: more than maxValues values is 'document too large'") {
  // Before: a 6 MiB `[0,0,0,…]` became a tree of about 60 bytes per input byte (367 MB).
  std::string doc = "[0";
  for (int i = 1; i < 1000; ++i) doc += ",0";
  doc += "]";  // 1001 values: the array and its 1000 elements
  CHECK(parse(doc, billet::json::kDefaultMaxDepth, 1001).ok());
  const auto r = parse(doc, billet::json::kDefaultMaxDepth, 1000);
  CHECK_FALSE(r.ok());
  CHECK(r.error == "document too large: more than 1000 values");
  CHECK(r.value.isNull());  // refused during the scan: no tree was built
  // Member names are not counted: {"a":1,"b":2} is three values.
  CHECK(parse(R"({"a":1,"b":2})", billet::json::kDefaultMaxDepth, 3).ok());
  CHECK_FALSE(parse(R"({"a":1,"b":[2]})", billet::json::kDefaultMaxDepth, 3).ok());
  CHECK(parse(doc).ok());  // no limit by default
}
