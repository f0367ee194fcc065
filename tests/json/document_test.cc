// json::parseDeferred and json::Document: the same documents and errors as json::parse, built
// one level at a time as they are read.
#include "json/document.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "json/parse.h"
#include "json/write.h"

using billet::json::Document;
using billet::json::parse;
using billet::json::parseDeferred;
using billet::json::Value;
using billet::json::write;

namespace {

std::string sampleReview() {
  std::ifstream in(BILLET_SOURCE_DIR "/fuzz/corpus/admission_review/sample-deployment-gpu.json",
                   std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string bigObject(const std::string& name, int members) {
  std::string text = "{\"" + name + "\":{";
  for (int i = 0; i < members; ++i)
    text += "\"k" + std::to_string(i) + "\":[" + std::to_string(i) + "],";
  text += "\"k5\":{\"again\":true},\"k7\":\"seven\",\"k5\":[\"last\"]}}";
  return text;
}

}  // namespace

TEST_CASE("parseDeferred: the same documents and errors as parse") {
  const std::vector<std::string> texts = {
      "null", "true", "-1.5e3", "\"s\\u00e9\\n\"", "[]", "{}",
      " [ 1 , [ ] , { } , [ [ \"x\" ] ] ] ",
      R"({"z":1,"a":{"y":true,"b":null,"c":[{}, [], {"d":"\u0041"}]},"m":[[[[1]]]]})",
      // Duplicate keys, in a small object and a large one below the root (deduplicated when
      // their level is built), and keys with escapes.
      R"({"o":{"x":{"deep":[1,2]},"x":"flat","\u0078":[true]},"p":{"a":1,"b":2,"a":{"c":3}}})",
      bigObject("big", 100),
      // Errors: each the same one-line message.
      "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "[\"\\x\"]", "[1] x", "{\"a\":[\"\xff\"]}",
      std::string(600, '['), sampleReview()};
  for (const std::string& text : texts) {
    INFO("input: " << text.substr(0, 200));
    const auto eager = parse(text);
    Document doc;
    const auto deferred = parseDeferred(text, doc);
    REQUIRE(deferred.ok() == eager.ok());
    CHECK(deferred.error == eager.error);
    if (!eager.ok()) {
      CHECK(deferred.value.isNull());
      continue;
    }
    CHECK(deferred.value == eager.value);
    CHECK(write(deferred.value) == write(eager.value));
    // Both were read whole; a container that a later duplicate key replaced is never built.
    CHECK(doc.containersBuilt() <= doc.containers());
  }
  // The value budget is checked by the same scan, before anything is built.
  Document doc;
  const auto over = parseDeferred("[[0,0],[0]]", doc, billet::json::kDefaultMaxDepth, 5);
  CHECK(over.error == "document too large: more than 5 values");
  CHECK(doc.containers() == 0);
}

TEST_CASE("parseDeferred: an object or array is built when it is first read, and only then") {
  Document doc;
  const auto r = parseDeferred(sampleReview(), doc);
  REQUIRE(r.ok());
  const Value& review = r.value;
  // The sample's objects and arrays with members, below the root: request and what is in it.
  CHECK(doc.containers() > 60);
  CHECK(doc.containersBuilt() == 0);
  CHECK(review.find("kind")->asString() == "AdmissionReview");  // the root is built
  CHECK(doc.containersBuilt() == 0);
  const Value* request = review.find("request");
  REQUIRE(request != nullptr);
  CHECK(doc.containersBuilt() == 0);  // found, not read yet
  CHECK(request->find("uid")->asString() == "705ab4f5-6393-11e8-b7cc-42010a800002");
  CHECK(doc.containersBuilt() == 1);
  const Value* name = billet::json::dig(*request, {"object", "metadata", "name"});
  REQUIRE(name != nullptr);
  CHECK(name->asString() == "gpu-executor");
  CHECK(doc.containersBuilt() == 3);  // object, metadata
  // Read again: nothing more is built, and the same values are found.
  CHECK(billet::json::dig(*request, {"object", "metadata", "name"}) == name);
  CHECK(doc.containersBuilt() == 3);
  // managedFields and the rest of the object wait until they are read.
  const std::size_t before = doc.containersBuilt();
  CHECK(write(*request->find("object")).find("managedFields") != std::string::npos);
  CHECK(doc.containersBuilt() > before + 20);
  CHECK(doc.containersBuilt() < doc.containers());  // userInfo, kind, resource, …: not yet
  write(review);
  CHECK(doc.containersBuilt() == doc.containers());
}

TEST_CASE("parseDeferred: copies own what they hold, the document lives as long as its values") {
  const std::string text = sampleReview();
  const Value expected = parse(text).value;
  Value spec;
  Value moved;
  {
    auto doc = std::make_unique<Document>();
    auto r = parseDeferred(text, *doc);
    REQUIRE(r.ok());
    const Value* s = billet::json::dig(r.value, {"request", "object", "spec"});
    REQUIRE(s != nullptr);
    spec = *s;  // a copy: built whole from the document, and owning it
    // A Document moves without its values noticing: what they read from stays in place.
    Document other = std::move(*doc);
    doc.reset();
    moved = std::move(r.value);
    CHECK(moved == expected);
    moved = Value(moved);  // a copy of it, owning everything, replaces it
  }
  // The document is gone: the copies still read (AddressSanitizer would see a freed read).
  CHECK(spec == *billet::json::dig(expected, {"request", "object", "spec"}));
  CHECK(moved == expected);
  CHECK(write(moved) == write(expected));
}

TEST_CASE("parseDeferred: values changed through the non-const accessors") {
  const std::string text = R"({"a":{"b":{"c":[1,{"d":2}]},"e":{"f":3}},"g":[{"h":4}]})";
  Document doc;
  auto r = parseDeferred(text, doc);
  REQUIRE(r.ok());
  Value& v = r.value;
  v["a"]["b"]["c"].asArray()[1]["d"] = Value::number(5);
  v["g"].push(Value::string("x"));
  v["a"].erase("e");
  CHECK(write(v) == R"({"a":{"b":{"c":[1,{"d":5}]}},"g":[{"h":4},"x"]})");
  // Parsing again into the same document ends the first document's values: taken first.
  Value first = v;  // owns
  r = parseDeferred(R"({"n":[[1],[2]]})", doc);
  REQUIRE(r.ok());
  CHECK(write(r.value) == R"({"n":[[1],[2]]})");
  CHECK(write(first) == R"({"a":{"b":{"c":[1,{"d":5}]}},"g":[{"h":4},"x"]})");
}

TEST_CASE("parseDeferred: every prefix of a review is judged as parse judges it") {
  // parseDeferred scans a padded copy and reads past the shapes it expects without checking
  // what is left (json/scan.h, scanPadded): the text may end at any byte, inside a string, a key,
  // a number, a literal, or just after a ':' or ','; each end must give parse's own error.
  const std::string pretty = sampleReview();
  const auto compactParsed = parse(pretty);
  REQUIRE(compactParsed.ok());
  const std::string compact = write(compactParsed.value);  // ":" and "," with no space after
  for (const std::string& text :
       {pretty, compact, std::string(R"({"a":[true,false,null,-0.5e+7,"x\"y"]})")}) {
    for (std::size_t n = 0; n <= text.size(); ++n) {
      const std::string prefix = text.substr(0, n);
      const auto eager = parse(prefix);
      Document doc;
      const auto deferred = parseDeferred(prefix, doc);
      INFO("prefix of " << n << " bytes: ..." << prefix.substr(n > 60 ? n - 60 : 0));
      REQUIRE(deferred.ok() == eager.ok());
      REQUIRE(deferred.error == eager.error);
    }
  }
}
