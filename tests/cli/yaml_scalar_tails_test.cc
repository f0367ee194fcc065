// The line breaks yaml-cpp drops at the end of quoted and folded scalars, put back: the values
// are those kubectl sends (each was checked with kubectl 1.37; the yaml-scalars cluster scenario
// checks testdata/scalar-ends.yaml against a real API server).
#include "cli/yaml_scalar_tails.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cli/yaml_stream.h"
#include "json/value.h"
#include "json/write.h"
#include "tests/cli/stream_events.h"

namespace json = billet::json;
using billet::cli::restoreTrailingBreaks;

namespace {

// The value of `spec.a` in a document made of `spec` (lines after "spec:\n"), as the reader
// reads it, written as JSON; "error: ..." when it refuses the document.
std::string specA(const std::string& spec, int threads = 1) {
  return billet::cli::testing::readMember("kind: S\nspec:\n" + spec, {"spec", "a"}, threads);
}

// restoreTrailingBreaks on `text`, whose scalar starts at `pos`, as yaml-cpp read it.
std::optional<std::string> restored(const std::string& read, const std::string& text,
                                    std::size_t pos) {
  return restoreTrailingBreaks(read, pos, [&text](std::size_t at) {
    return at < text.size() ? static_cast<unsigned char>(text[at]) : -1;
  });
}

}  // namespace

TEST_CASE("scalar tails: a quoted scalar's blank lines before a closing quote of its own") {
  // Each blank line is a line feed; yaml-cpp kept one, or none when nothing else was read.
  CHECK(specA("  a: 'x\n\n\n    '\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: '\n\n    '\n") == "\"\\n\"");
  CHECK(specA("  a: '\n\n\n    '\n") == "\"\\n\\n\"");
  CHECK(specA("  a: \"x\n\n\n    \"\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: 'x\n    \n\t\n    '\n") == "\"x\\n\\n\"");  // spaces and tabs are blank
  CHECK(specA("  a: 'it''s\n\n\n    '\n") == "\"it's\\n\\n\"");
  // After escapes: `\n` escapes end the text too; yaml-cpp kept two line feeds after one.
  CHECK(specA("  a: \"x\\n\n\n\n    \"\n") == "\"x\\n\\n\\n\"");
  CHECK(specA("  a: \"x\\n\\n\n\n\n\n    \"\n") == "\"x\\n\\n\\n\\n\\n\"");
  CHECK(specA("  a: \"x\\t\n\n\n\n    \"\n") == "\"x\\t\\n\\n\\n\"");
  CHECK(specA("  a: \"x\\x0a\n\n\n    \"\n") == "\"x\\n\\n\\n\"");
  CHECK(specA("  a: \"x\\u000A\n\n    \"\n") == "\"x\\n\\n\"");
  // An escaped line break folds into nothing; the blank lines after it are line feeds.
  CHECK(specA("  a: \"\\\n\n\n\n    \"\n") == "\"\\n\\n\\n\"");
  CHECK(specA("  a: \"x\\\n\n\n    \"\n") == "\"x\\n\\n\"");
  // With an anchor or a tag before it, in a flow sequence, over CR LF line ends.
  CHECK(specA("  a: &q 'x\n\n\n    '\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: !!str 'x\n\n\n    '\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: ['x\n\n\n    ', z]\n") == "[\"x\\n\\n\",\"z\"]");
  CHECK(specA("  a: 'x\r\n\r\n\r\n    '\r\n") == "\"x\\n\\n\"");
  // What yaml-cpp already reads as YAML does stays: text or spaces before the closing quote,
  // one blank line, one line.
  CHECK(specA("  a: 'x\n\n\n    y'\n") == "\"x\\n\\ny\"");
  CHECK(specA("  a: \"x\n\n\n    \\ \"\n") == "\"x\\n\\n \"");
  CHECK(specA("  a: 'x\n\n    '\n") == "\"x\\n\"");
  CHECK(specA("  a: 'x\n    '\n") == "\"x \"");
  CHECK(specA("  a: \"x\\n\\n\"\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: ''\n") == "\"\"");
}

TEST_CASE("scalar tails: a folded scalar that keeps its line breaks") {
  // Its last line's line break, and one for each blank line after it.
  CHECK(specA("  a: >+\n    x\n\n  b: 1\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: >+\n    x y\n    z\n\n\n  b: 1\n") == "\"x y z\\n\\n\\n\"");
  CHECK(specA("  a: >+\n\n    x\n\n  b: 1\n") == "\"\\nx\\n\\n\"");
  CHECK(specA("  a: >+\n    x\n  \n   \n  b: 1\n") == "\"x\\n\\n\\n\"");  // spaces, fewer
  CHECK(specA("  a: >+\n    x\n\n  # a comment ends it\n  b: 1\n") == "\"x\\n\\n\"");
  CHECK(specA("  a: >+ # comment\n    x\n\n") == "\"x\\n\\n\"");  // the end of the text
  CHECK(specA("  a: &f >+\n    x\n\n  b: 1\n") == "\"x\\n\\n\"");
  CHECK(specA("  a:\n  - >+\n    x\n\n  - z\n") == "[\"x\\n\\n\",\"z\"]");
  CHECK(specA("  a: >+\r\n    x\r\n\r\n  b: 1\r\n") == "\"x\\n\\n\"");
  // What yaml-cpp already reads as YAML does stays: a more indented last line, a line of more
  // spaces (text), a comment before the blank lines, no blank line, other chomping, literal.
  CHECK(specA("  a: >+\n    x\n      y\n\n  b: 1\n") == "\"x\\n  y\\n\\n\"");
  CHECK(specA("  a: >+\n    x\n      \n\n  b: 1\n") == "\"x\\n  \\n\\n\"");
  CHECK(specA("  a: >+\n    x\n  # c\n\n  b: 1\n") == "\"x\\n\"");
  CHECK(specA("  a: >+\n    x\n  b: 1\n") == "\"x\\n\"");
  CHECK(specA("  a: >+\n\n\n  b: 1\n") == "\"\\n\\n\"");
  CHECK(specA("  a: >\n    x\n\n\n  b: 1\n") == "\"x\\n\"");
  CHECK(specA("  a: >-\n    x\n\n\n  b: 1\n") == "\"x\"");
  CHECK(specA("  a: |+\n    x\n\n\n  b: 1\n") == "\"x\\n\\n\\n\"");
}

TEST_CASE("scalar tails: the same on more threads, and what the bytes cannot say") {
  CHECK(specA("  a: 'x\n\n\n    '\n", 2) == "\"x\\n\\n\"");
  CHECK(specA("  a: >+\n    x\n\n  b: 1\n", 2) == "\"x\\n\\n\"");
  // An indentation indicator: the lines' indentation depends on the parent's; left as read.
  const std::string indicated = "a: >1+\n x\n\nb: 1\n";
  CHECK_FALSE(restored("x\n", indicated, 3));
  // A scalar no longer in the window, or no window at all.
  CHECK_FALSE(restored("x\n", "", 0));
  CHECK_FALSE(restoreTrailingBreaks("x\n", 0, {}));
  // Directly: the position may be that of an anchor or a tag.
  const std::string text = "a: &x !!str 'y\n\n\n  '\n";
  CHECK(restored("y\n", text, 3) == std::optional<std::string>("y\n\n"));
  CHECK_FALSE(restored("y\n\n", text, 3));
  // A quote never closed within the text the bytes hold.
  CHECK_FALSE(restored("", "a: '\n\n", 3));
}
