// `a:` before `,`, `]` or `}` in a flow collection is one scalar, as kubectl reads it (each value
// was checked with kubectl 1.37; the yaml-scalars cluster scenario checks
// testdata/flow-colons.yaml against a real API server).
#include "cli/yaml_flow_colon.h"

#include <catch2/catch.hpp>
#include <string>

#include "cli/yaml_stream.h"
#include "json/value.h"
#include "json/write.h"
#include "tests/cli/stream_events.h"

namespace json = billet::json;

namespace {

// `spec.k` of a document whose spec is `k: <flow>`, as the reader reads it, written as JSON.
std::string read(const std::string& flow, int threads = 1) {
  return billet::cli::testing::readMember("kind: S\nspec:\n  k: " + flow + "\n", {"spec", "k"},
                                          threads);
}

}  // namespace

TEST_CASE("flow colon: a key that ends with `:`") {
  CHECK(read("{a:, b: 1}") == R"({"a:":null,"b":1})");
  CHECK(read("{a: b, c:}") == R"({"a":"b","c:":null})");
  CHECK(read("{1:}") == R"({"1:":null})");
  CHECK(read("{a::}") == R"({"a::":null})");
  CHECK(read("{? a:}") == R"({"a:":null})");
  CHECK(read("{<<:}") == R"({"<<:":null})");                      // a name, not a merge
  CHECK(read("{a :, b \t:}") == R"({"a :":null,"b \t:":null})");  // blanks before it are in it
  // A `:` before a blank, or after a quoted key, is a value indicator in both readers.
  CHECK(read("{a: , b: 1}") == R"({"a":null,"b":1})");
  CHECK(read("{\"a\":, b: 1}") == R"({"a":null,"b":1})");
  CHECK(read("{a:b}") == R"({"a:b":null})");
}

TEST_CASE("flow colon: a sequence's entry that ends with `:` is a string") {
  CHECK(read("[x, a:]") == R"(["x","a:"])");
  CHECK(read("[a:, b: 1]") == R"(["a:",{"b":1}])");
  CHECK(read("[a b:]") == R"(["a b:"])");
  CHECK(read("[1:, yes:]") == R"(["1:","yes:"])");
  CHECK(read("[&x a:, *x]") == R"(["a:","a:"])");
  CHECK(read("[!!str a:]") == R"(["a:"])");
  // A pair with braces, or with `?`, stays a mapping; so does a quoted key's.
  CHECK(read("[{a:}]") == R"([{"a:":null}])");
  CHECK(read("[? a:]") == R"([{"a:":null}])");
  CHECK(read("[\"a\":]") == R"([{"a":null}])");
  CHECK(read("[a: 1]") == R"([{"a":1}])");
  CHECK(read("[a:, b:]", 2) == R"(["a:","b:"])");
}

TEST_CASE("flow colon: the bytes after the scalar decide") {
  const std::string text = "{a:, &x !!str b :}";
  auto at = [&text](std::size_t pos) {
    return pos < text.size() ? static_cast<unsigned char>(text[pos]) : -1;
  };
  using billet::cli::colonClosedPlainScalar;
  CHECK(colonClosedPlainScalar("a", 1, at) == std::optional<std::string>("a:"));
  CHECK(colonClosedPlainScalar("b", 5, at) == std::optional<std::string>("b :"));  // tagged
  CHECK_FALSE(colonClosedPlainScalar("", 1, at));
  CHECK_FALSE(colonClosedPlainScalar("a", 1, {}));
  CHECK_FALSE(colonClosedPlainScalar("ab", 1, at));
}
