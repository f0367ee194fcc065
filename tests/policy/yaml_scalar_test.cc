// Plain YAML scalars resolve as kubectl's YAML reader resolves them (the cluster scenario
// yaml-scalars checks the same table against kubectl itself).
#include "policy/yaml_scalar.h"

#include <catch2/catch.hpp>

using billet::json::Value;
using billet::policy::goJsonFloat;
using billet::policy::resolvePlainScalar;

namespace {

std::string number(std::string_view s) {
  Value v = resolvePlainScalar(s);
  INFO(s);
  REQUIRE(v.isNumber());
  return v.scalarText();
}

bool isString(std::string_view s) {
  Value v = resolvePlainScalar(s);
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
  CHECK(number("9223372036854775808") == "9223372036854775808");  // uint64
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
  CHECK(goJsonFloat(0.000001) == "0.000001");
  CHECK(goJsonFloat(-0.5) == "-0.5");
}

TEST_CASE("YAML 1.1 booleans and nulls") {
  for (auto t : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
    CHECK(resolvePlainScalar(t) == Value::boolean(true));
  for (auto f : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
    CHECK(resolvePlainScalar(f) == Value::boolean(false));
  for (auto n : {"", "~", "null", "Null", "NULL"}) CHECK(resolvePlainScalar(n).isNull());
}

TEST_CASE("everything else stays text") {
  for (auto s : {"2024-01-02", "12:30", "1.2.3", "10.0.0.1", "+x", "-", "yesno", "0x", "0b", "1e",
                 ".inf", "-.inf", ".nan", "nginx:1.25", "0755a"})
    CHECK(isString(s));
}
