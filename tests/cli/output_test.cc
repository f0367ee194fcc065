#include "cli/output.h"

#include <catch2/catch.hpp>

using billet::cli::escapeMarkup;

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
