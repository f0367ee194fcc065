// Writing JSON values as YAML (json/yaml.h), read back by yaml-cpp, an independent reader.
#include "json/yaml.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "base/utf8.h"

using billet::json::Value;
using billet::json::writeYaml;

namespace {

// What yaml-cpp reads as the value of member `k` of the one-member mapping `text`.
std::string readBack(const std::string& text, const std::string& k) {
  return YAML::Load(text)[k].as<std::string>();
}

}  // namespace

TEST_CASE("yaml: strings YAML would read as something else are quoted, and read back as written") {
  for (const char* s : {"true", "no", "y", "~", "null", "1e3", "0755", "- x", "a: b", "x #y", "",
                        " lead", "tail ", "%x", "@x", "plain words"}) {
    Value v = Value::object();
    v.set("k", Value::string(s));
    INFO(s);
    CHECK(readBack(writeYaml(v), "k") == s);
  }
}

// Valid UTF-8 that YAML may not hold as it is (C1 controls, U+FFFE, U+FFFF; control bytes too):
// escaped, so that the stream is YAML, and read back as the same string.
TEST_CASE("yaml: characters outside YAML's printable set are escaped, in values and keys") {
  for (const std::string& s :
       {std::string("x\xef\xbf\xbey"), std::string("\xc2\x80 c1"), std::string("end\xef\xbf\xbf"),
        std::string("tab\tand\x01"), std::string("\xc2\x85 nel, \xc3\xa9 ok")}) {
    Value v = Value::object();
    v.set("k", Value::string(s));
    v.set(s, Value::string("as a key"));
    const std::string text = writeYaml(v);
    INFO(text);
    CHECK_FALSE(billet::base::findUnprintableYaml(text).has_value());
    CHECK(readBack(text, "k") == s);
    CHECK(readBack(text, s) == "as a key");
  }
}

// Strings built from the bytes the quoting rule looks at (indicators, ':', ' ', '#', signs,
// digits, controls, non-ASCII), in every position: each is written as a value and as a key, and
// yaml-cpp reads back the same string. Strings of letters only stay plain.
TEST_CASE("yaml: any string of the bytes that decide quoting reads back as written") {
  static constexpr std::string_view kBytes[] = {
      "a", "Z", "0", "7",  ":",    " ",        "#",        "-", "+", ".",  "?",
      ",", "[", "}", "&",  "*",    "!",        "|",        ">", "'", "\"", "%",
      "@", "`", "~", "\t", "\x7f", "\xc3\xa9", "\xc2\x85", "e", "y", "n"};
  std::uint32_t state = 20261206;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const std::uint32_t length = next() % 6;
    for (std::uint32_t i = 0; i < length; ++i) s += kBytes[next() % std::size(kBytes)];
    Value v = Value::object();
    v.set("k", Value::string(s));
    v.set(s, Value::string("as a key"));  // no string here is "k"
    const std::string text = writeYaml(v);
    INFO(text);
    const YAML::Node back = YAML::Load(text);
    REQUIRE(back["k"].IsScalar());
    CHECK(back["k"].as<std::string>() == s);
    CHECK(back[s].as<std::string>() == "as a key");
  }
  for (const char* s : {"plain", "app-0", "team_1", "a.b/c", "x:y", "a#b"}) {
    Value v = Value::object();
    v.set("k", Value::string(s));
    CHECK(writeYaml(v) == std::string("k: ") + s + "\n");
  }
}
