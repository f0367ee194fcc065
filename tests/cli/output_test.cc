#include "cli/output.h"

#include <catch2/catch.hpp>

#include "json/parse.h"

using billet::cli::escapeMarkup;
using billet::cli::namedPointer;

TEST_CASE("escapeMarkup: markup characters become entities, valid in HTML and XML alike") {
  CHECK(escapeMarkup(R"(<a href="x" title='y'>&</a>)") ==
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(escapeMarkup("plain text, ünïcödé") == "plain text, ünïcödé");
}

TEST_CASE("escapeMarkup: control characters XML 1.0 forbids become spaces") {
  CHECK(escapeMarkup(std::string("a\x01"
                                 "b\x1b"
                                 "c",
                                 5)) == "a b c");
  CHECK(escapeMarkup(std::string("nul\0here", 8)) == "nul here");
  CHECK(escapeMarkup("line\nnext\tcell") == "line\nnext\tcell");  // allowed as they are
}

TEST_CASE("namedPointer: container indexes become names, other segments stay") {
  auto doc = billet::json::parse(
      R"({"spec":{"template":{"spec":{"containers":[{"name":"web"},{"name":"side/car"}],)"
      R"("initContainers":[{"image":"x"}],"volumes":[{"name":"v"}]}}}})");
  REQUIRE(doc.ok());
  CHECK(namedPointer(doc.value, "/spec/template/spec/containers/1/resources/limits/cpu") ==
        "/spec/template/spec/containers[name=side/car]/resources/limits/cpu");
  CHECK(namedPointer(doc.value, "/spec/template/spec/containers/0") ==
        "/spec/template/spec/containers[name=web]");
  // No name to use, another list, an index past the end, an append: the pointer as it is.
  CHECK(namedPointer(doc.value, "/spec/template/spec/initContainers/0/image") ==
        "/spec/template/spec/initContainers/0/image");
  CHECK(namedPointer(doc.value, "/spec/template/spec/volumes/0") ==
        "/spec/template/spec/volumes/0");
  CHECK(namedPointer(doc.value, "/spec/template/spec/containers/5/image") ==
        "/spec/template/spec/containers/5/image");
  CHECK(namedPointer(doc.value, "/spec/template/spec/containers/-") ==
        "/spec/template/spec/containers/-");
  CHECK(namedPointer(doc.value, "/metadata/annotations/a~1b") == "/metadata/annotations/a~1b");
}
