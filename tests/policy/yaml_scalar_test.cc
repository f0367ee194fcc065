// Plain YAML scalars resolve as kubectl's YAML reader resolves them (the cluster scenario
// yaml-scalars checks the same table against kubectl itself).
#include "policy/yaml_scalar.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "json/write.h"

using billet::json::Value;
using billet::policy::goJsonFloat;
using billet::policy::goJsonNumber;
using billet::policy::isMergeKey;
using billet::policy::resolvePlainScalar;
using billet::policy::resolveTaggedScalar;

namespace {

// A plain scalar's value, which must not be an error.
Value plainValue(std::string_view s) {
  std::string error;
  Value v = resolvePlainScalar(s, error);
  INFO(s);
  CHECK(error.empty());
  return v;
}

std::string number(std::string_view s) {
  Value v = plainValue(s);
  INFO(s);
  REQUIRE(v.isNumber());
  return v.scalarText();
}

bool isString(std::string_view s) {
  Value v = plainValue(s);
  return v.isString() && v.asString() == s;
}

}  // namespace

TEST_CASE("integers: decimal, octal, hex, binary, underscores, signs") {
  CHECK(number("0") == "0");
  CHECK(number("42") == "42");
  CHECK(number("0755") == "493");
  CHECK(number("0644") == "420");
  CHECK(number("0o17") == "15");
  CHECK(number("0x1F") == "31");
  CHECK(number("0X1f") == "31");
  CHECK(number("0b101") == "5");
  CHECK(number("1_000") == "1000");
  CHECK(number("+1") == "1");
  CHECK(number("-0") == "0");
  CHECK(number("-42") == "-42");
  CHECK(number("9223372036854775807") == "9223372036854775807");
  // go-yaml reads these as uint64; kubectl's JSON decoder keeps integers only within int64, so
  // the API server receives a float64.
  CHECK(number("9223372036854775808") == "9223372036854776000");
  CHECK(number("12345678901234567890") == "12345678901234567000");
  CHECK(number("18446744073709551615") == "18446744073709552000");
  CHECK(number("0xFFFFFFFFFFFFFFFF") == "18446744073709552000");
  CHECK(number("-9223372036854775808") == "-9223372036854775808");
}

TEST_CASE("floats are written as Go's encoding/json writes them") {
  CHECK(number("1e3") == "1000");
  CHECK(number("1.50") == "1.5");
  CHECK(number("1.0") == "1");
  CHECK(number("7.") == "7");
  CHECK(number(".5") == "0.5");
  CHECK(number("08") == "8");  // not octal: a float
  CHECK(number("2.5E-3") == "0.0025");
  CHECK(number("1e-7") == "1e-7");
  CHECK(number("1e21") == "1e+21");
  CHECK(number("99999999999999999999") == "100000000000000000000");
  // Too close to zero for a double: Go's ParseFloat gives 0 and kubectl sends it; too large
  // stays text (kubectl sends the string). A zero of either sign is the 0 the API server stores.
  CHECK(number("1e-310") == "1e-310");  // subnormal
  CHECK(number("1e-400") == "0");
  CHECK(number("2e-324") == "0");
  CHECK(number("-1e-400") == "0");
  CHECK(number("-0.0") == "0");
  CHECK(number("0.00001e-400") == "0");
  CHECK(number("100000e-405") == "0");
  CHECK(number("." + std::string(400, '0') + "1") == "0");
  CHECK(number("1_0e-400") == "0");
  // Beginning with a dot, read with Go's ParseFloat, which allows an underscore between digits.
  CHECK(number(".1_000") == "0.1");
  CHECK(number(".5_5e1_0") == "5500000000");
  CHECK(isString(".1__0"));
  CHECK(isString("._1"));
  CHECK(isString(".1_"));
  CHECK(isString(".1_e3"));
  CHECK(isString("1e400"));
  CHECK(isString("-1e400"));
  CHECK(isString("0.001e312"));
  CHECK(isString("1e99999999999999999999"));
  CHECK(goJsonFloat(0.000001) == "0.000001");
  CHECK(goJsonFloat(-0.5) == "-0.5");
}

TEST_CASE("JSON numbers are sent as kubectl's JSON decoder and encoder leave them") {
  CHECK(goJsonNumber("0") == "0");
  CHECK(goJsonNumber("-0") == "0");
  CHECK(goJsonNumber("-42") == "-42");
  CHECK(goJsonNumber("9223372036854775807") == "9223372036854775807");
  CHECK(goJsonNumber("-9223372036854775808") == "-9223372036854775808");
  CHECK(goJsonNumber("9223372036854775808") == "9223372036854776000");
  CHECK(goJsonNumber("12345678901234567890") == "12345678901234567000");
  CHECK(goJsonNumber("-12345678901234567890") == "-12345678901234567000");
  CHECK(goJsonNumber("1.0") == "1");
  CHECK(goJsonNumber("1.50") == "1.5");
  CHECK(goJsonNumber("1e3") == "1000");
  CHECK(goJsonNumber("1E+3") == "1000");
  CHECK(goJsonNumber("2.5E-3") == "0.0025");
  CHECK(goJsonNumber("1e-7") == "1e-7");
  CHECK(goJsonNumber("1e21") == "1e+21");
  CHECK(goJsonNumber("0.1") == "0.1");
  CHECK(goJsonNumber("-0.0") == "0");
  CHECK(goJsonNumber("1e-310") == "1e-310");  // subnormal
  CHECK(goJsonNumber("1e-400") == "0");
  CHECK(goJsonNumber("-1e-400") == "0");
  CHECK_FALSE(goJsonNumber("1e400"));
  CHECK_FALSE(goJsonNumber("-1.5e309"));
}

TEST_CASE("YAML 1.1 booleans and nulls") {
  for (auto t : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
    CHECK(plainValue(t) == Value::boolean(true));
  for (auto f : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
    CHECK(plainValue(f) == Value::boolean(false));
  for (auto n : {"", "~", "null", "Null", "NULL"}) CHECK(plainValue(n).isNull());
}

TEST_CASE("everything else stays text") {
  // Go's ParseFloat reads "inf" and "-Infinity", but go-yaml asks it only for text in YAML's
  // float pattern: these are strings, as are spellings of go-yaml's words it does not list.
  for (auto s : {"2024-01-02", "12:30", "1.2.3", "10.0.0.1",   "+x",    "-",         "yesno",
                 "0x",         "0b",    "1e",    "nginx:1.25", "0755a", "inf",       "-inf",
                 "+Infinity",  "nan",   ".iNf",  "+.nan",      "-.nan", ".infinity", "..inf"})
    CHECK(isString(s));
}

TEST_CASE("infinities and NaN are refused as kubectl refuses them, and named as keys") {
  using billet::policy::resolvePlainKey;
  const std::pair<const char*, const char*> words[] = {
      {".inf", "+Inf"},  {".Inf", "+Inf"},  {".INF", "+Inf"},  {"+.inf", "+Inf"},
      {"+.Inf", "+Inf"}, {"+.INF", "+Inf"}, {"-.inf", "-Inf"}, {"-.Inf", "-Inf"},
      {"-.INF", "-Inf"}, {".nan", "NaN"},   {".NaN", "NaN"},   {".NAN", "NaN"}};
  for (const auto& [text, go] : words) {
    INFO(text);
    std::string error;
    CHECK(resolvePlainScalar(text, error) == Value::string(text));
    CHECK(error == "`" + std::string(text) +
                       "` is a float JSON cannot hold (kubectl: json: unsupported value: " + go +
                       ")");
    // As a !!float it is the same float; as another type it is a float that does not fit.
    CHECK(resolveTaggedScalar("tag:yaml.org,2002:float", text).error == error);
    CHECK(resolveTaggedScalar("tag:yaml.org,2002:int", text).error ==
          "cannot decode !!float `" + std::string(text) + "` as a !!int");
    CHECK(resolveTaggedScalar("tag:yaml.org,2002:str", text).value == Value::string(text));
    // sigs.k8s.io/yaml names a float key from FormatFloat, and these three as YAML writes them.
    const std::string key = std::string(go) == "+Inf"   ? ".inf"
                            : go == std::string("-Inf") ? "-.inf"
                                                        : ".nan";
    CHECK(resolvePlainKey(text) == key);
  }
}

TEST_CASE("tagged scalars resolve as kubectl resolves them, or are refused as it refuses them") {
  // The table kubectl's reader gave on a real API server (the yaml-scalars cluster scenario
  // compares the two again): value text, tag, and the JSON of the value or the error.
  const std::string core = "tag:yaml.org,2002:";
  struct Case {
    std::string tag, text, json, error;
  };
  const std::vector<Case> cases = {
      {"int", "7", "7", ""},
      {"int", "0x10", "16", ""},
      {"int", "0755", "493", ""},
      {"int", "1_000", "1000", ""},
      {"int", "abc", "", "cannot decode !!str `abc` as a !!int"},
      {"int", "1.5", "", "cannot decode !!float `1.5` as a !!int"},
      {"int", "true", "", "cannot decode !!bool `true` as a !!int"},
      {"float", "1", "1", ""},
      {"float", "2.5", "2.5", ""},
      {"float", "1e3", "1000", ""},
      {"float", "x", "", "cannot decode !!str `x` as a !!float"},
      {"bool", "true", "true", ""},
      {"bool", "yes", "true", ""},
      {"bool", "off", "false", ""},
      {"bool", "maybe", "", "cannot decode !!str `maybe` as a !!bool"},
      {"bool", "1", "", "cannot decode !!int `1` as a !!bool"},
      {"null", "", "null", ""},
      {"null", "~", "null", ""},
      {"null", "x", "", "cannot decode !!str `x` as a !!null"},
      {"str", "123", "\"123\"", ""},
      {"str", "true", "\"true\"", ""},
      {"timestamp", "2024-01-02", "\"2024-01-02\"", ""},
      {"binary", "aGVsbG8=", "\"hello\"", ""},
      {"binary", "aGVs\nbG8=\n", "\"hello\"", ""},  // a block scalar's line breaks
      {"binary", "/w==", "\"\xef\xbf\xbd\"", ""},   // byte 0xFF: not UTF-8, as Go writes it
      {"binary", "%%%%", "", "!!binary value contains invalid base64 data"},
      {"binary", "aGVsbG8", "", "!!binary value contains invalid base64 data"},
  };
  for (const Case& c : cases) {
    INFO(c.tag << " " << c.text);
    const billet::base::Result<Value> r = resolveTaggedScalar(core + c.tag, c.text);
    CHECK(r.error == c.error);
    if (r.ok()) CHECK(billet::json::write(r.value) == c.json);
  }
  // A tag of the document's own, and yaml-cpp's tag for a quoted scalar: the text.
  for (const char* tag : {"!foo", "!"}) {
    const billet::base::Result<Value> r = resolveTaggedScalar(tag, "12");
    REQUIRE(r.ok());
    CHECK(billet::json::write(r.value) == "\"12\"");
  }
}

TEST_CASE("the merge key is a plain or !!merge-tagged <<, not a quoted one") {
  CHECK(isMergeKey("?", "<<"));
  CHECK(isMergeKey("", "<<"));
  CHECK(isMergeKey("tag:yaml.org,2002:merge", "<<"));
  CHECK_FALSE(isMergeKey("!", "<<"));  // "<<"
  CHECK_FALSE(isMergeKey("?", "<"));
  CHECK_FALSE(isMergeKey("?", "<<<"));
}

TEST_CASE("float keys are named as kubectl names them: float32, shortest, Go's %g") {
  // What kubectl sent a real API server for these keys (the yaml-scalars cluster scenario
  // compares them again).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1.5", "1.5"},
      {"1.0", "1"},
      {".5", "0.5"},
      {"1e3", "1000"},
      {"123456.5", "123456.5"},
      {"1234567.5", "1.2345675e+06"},
      {"123456789.5", "1.2345679e+08"},
      {"1e20", "1e+20"},
      {"1e21", "1e+21"},
      {"99999999999999999999", "1e+20"},  // past uint64: a float
      {"0.0001", "0.0001"},
      {"0.00001", "1e-05"},
      {"1e-7", "1e-07"},
      {"-2.5e-9", "-2.5e-09"},
      {"1.5e300", ".inf"},  // past float32
      {"-1.5e300", "-.inf"},
      {"-0.0", "-0"},
      {"1e-400", "0"},
      {"0.1", "0.1"},
      {"3.14159265358979", "3.1415927"},
      {"100000.0", "100000"},
      {"1000000.0", "1e+06"},
  };
  for (const auto& [text, key] : cases) {
    INFO(text);
    CHECK(billet::policy::resolvePlainKey(text) == key);
  }
  // Integers keep their digits.
  CHECK(billet::policy::resolvePlainKey("12345678901234567890") == "12345678901234567890");
  CHECK(billet::policy::resolvePlainKey("0755") == "493");
}

TEST_CASE("integer keys past int64 are refused as kubectl refuses them, others are names") {
  using billet::policy::isUnsignedOnlyKey;
  for (const char* key : {"9223372036854775808", "12345678901234567890", "18446744073709551615",
                          "0xFFFFFFFFFFFFFFFF", "1_000_000_000_000_000_000_0"})
    CHECK(isUnsignedOnlyKey(key));
  for (const char* key : {"9223372036854775807", "-9223372036854775808", "18446744073709551616",
                          "1e19", "0755", "name", "", "-1"})
    CHECK_FALSE(isUnsignedOnlyKey(key));
}
