// A `.json` manifest's numbers are rewritten as kubectl sends them, in every value of the tree,
// and a number kubectl refuses is named by its field path.
#include "cli/json_kubectl_numbers.h"

#include <catch2/catch.hpp>
#include <string>

#include "json/parse.h"
#include "json/write.h"

using billet::cli::numbersAsKubectlSends;
using billet::json::Value;

namespace {

Value parsed(const std::string& text) {
  auto v = billet::json::parse(text);
  REQUIRE(v.ok());
  return std::move(v.value);
}

std::string rewritten(const std::string& text) {
  Value v = parsed(text);
  REQUIRE_FALSE(numbersAsKubectlSends(v));
  return billet::json::write(v);
}

}  // namespace

TEST_CASE("numbers kubectl sends otherwise are rewritten wherever they are") {
  CHECK(rewritten(
            R"({"spec":{"replicas":1.0,"a":[1e3,[-0,{"b":-0.0}]],"c":12345678901234567890}})") ==
        R"({"spec":{"replicas":1,"a":[1000,[0,{"b":0}]],"c":12345678901234567000}})");
  CHECK(rewritten(R"([2.50,1E-7,1e21,1e-400])") == R"([2.5,1e-7,1e+21,0])");
}

TEST_CASE("numbers kubectl sends as written, and everything else, are left as they are") {
  const std::string text =
      R"({"a":0,"b":-7,"c":123456789012345678,"d":9223372036854775807,"e":"1.0","f":true,)"
      R"("g":null,"h":0.5,"i":[],"j":{}})";
  CHECK(rewritten(text) == text);
}

TEST_CASE("a number past a float64's range is refused at its field path") {
  Value v = parsed(R"({"spec":{"ok":1.0,"values":[1,{"x":1e400}]},"later":2.0})");
  const auto refused = numbersAsKubectlSends(v);
  REQUIRE(refused);
  CHECK(refused->path == "spec.values[1].x");
  CHECK(refused->message.starts_with("invalid JSON: number 1e400 is past a float64's range"));

  Value top = parsed(R"([[1e309]])");
  const auto inArrays = numbersAsKubectlSends(top);
  REQUIRE(inArrays);
  CHECK(inArrays->path == "[0][0]");
}
