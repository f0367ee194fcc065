// JSON inputs of lint/audit read in pieces: a List's items one at a time, everything else as the
// whole-file parse makes it.
#include "cli/json_stream.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "json/parse.h"
#include "json/write.h"
#include "tests/cli/stream_events.h"

using billet::cli::JsonStreamResult;
using billet::cli::readJsonStream;
using billet::cli::YamlStreamCallbacks;
using billet::json::Value;

namespace {

struct Read {
  std::vector<std::string> events;
  JsonStreamResult result = JsonStreamResult::kDone;
};

Read read(const std::string& text) {
  Read r;
  YamlStreamCallbacks cb = billet::cli::testing::recordEvents(r.events);
  std::istringstream in(text);
  r.result = readJsonStream(in, cb);
  return r;
}

}  // namespace

TEST_CASE("json stream: a List's items one by one, as kubectl get -o json prints them") {
  const Read r = read(R"(
{
    "apiVersion": "v1",
    "items": [
        {"kind": "Pod", "metadata": {"name": "a, \"quoted\" ]}"}},
        {"kind": "Pod", "data": [1, [2, {"x": "]"}]]}
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
})");
  REQUIRE(r.result == JsonStreamResult::kDone);
  CHECK(r.events ==
        std::vector<std::string>{R"(item@2 {"kind":"Pod","metadata":{"name":"a, \"quoted\" ]}"}})",
                                 R"(item@2 {"kind":"Pod","data":[1,[2,{"x":"]"}]]})", "list@2"});
}

TEST_CASE("json stream: any other object is one document, as json::parse makes it") {
  const std::string text = R"({"kind": "Thing", "items": {}, "a": {"b": [true, null, 1.5e3]}})";
  const Read r = read(text);
  REQUIRE(r.result == JsonStreamResult::kDone);
  CHECK(r.events ==
        std::vector<std::string>{"doc@1 " + billet::json::write(billet::json::parse(text).value)});
  CHECK(read(R"({"kind": "List", "items": []})").events == std::vector<std::string>{"list@1"});
  CHECK(read("{}").events == std::vector<std::string>{"doc@1 {}"});
}

TEST_CASE("json stream: what is not an object, blanks, and broken JSON") {
  CHECK(read("[1, 2]").result == JsonStreamResult::kNotAnObject);
  CHECK(read(" \n\t").result == JsonStreamResult::kEmpty);
  for (const char* broken : {R"({"a": 1,})", R"({"a" 1})", R"({"a": 1} x)", R"({"a": [1})",
                             R"({"a": 1)", R"({"a": tru})"}) {
    INFO(broken);
    CHECK(read(broken).result == JsonStreamResult::kInvalid);
  }
  // An item that does not parse: the items before it were handed over.
  const Read r = read(R"({"apiVersion": "v1", "items": [{"a": 1}, {"b": }], "kind": "List"})");
  CHECK(r.result == JsonStreamResult::kInvalid);
  CHECK(r.events == std::vector<std::string>{R"(item@1 {"a":1})"});
}

TEST_CASE(
    "json stream: a top-level items array is a list's, whatever the kind, as kubectl reads it") {
  for (const char* text :
       {R"({"apiVersion": "v1", "items": [{"a": 1}], "kind": "PodList"})",
        R"({"kind": "Thing", "apiVersion": "example.com/v1", "items": [{"a": 1}]})"}) {
    const Read r = read(text);
    CHECK(r.result == JsonStreamResult::kDone);
    CHECK(r.events == std::vector<std::string>{R"(item@1 {"a":1})", "list@1"});
  }
}
