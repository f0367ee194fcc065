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

TEST_CASE("escapeMarkup: U+FFFE and U+FFFF, which XML cannot hold, become U+FFFD") {
  CHECK(escapeMarkup("x\xef\xbf\xbey\xef\xbf\xbfz") == "x\xef\xbf\xbdy\xef\xbf\xbdz");
  CHECK(escapeMarkup("\xef\xbf\xbd \xef\xbc\xa1") ==
        "\xef\xbf\xbd \xef\xbc\xa1");  // U+FFFD, U+FF21 stay
  CHECK(escapeMarkup("cut \xef\xbf") == "cut \xef\xbf");
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

TEST_CASE("passScore: the share of evaluated rules that passed, skips left out") {
  using billet::cli::passScore;
  billet::policy::Summary s;
  CHECK_FALSE(passScore(s).has_value());  // nothing evaluated: no score rather than 0 or 100
  s.skip = 12;
  CHECK_FALSE(passScore(s).has_value());
  s.pass = 3;
  CHECK(passScore(s) == 100);
  s.fail = 1;
  s.warn = 4;
  CHECK(passScore(s) == 38);  // 3 of 8 is 37.5: rounded half up
  s.error = 1;
  CHECK(passScore(s) == 33);  // 3 of 9
  billet::policy::Summary none;
  none.fail = 2;
  CHECK(passScore(none) == 0);
}
