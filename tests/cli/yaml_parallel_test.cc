// Reading a List's entries on other threads changes nothing a reader of the stream sees: the
// same values, lines, errors and positions as reading it on one thread, whatever the text. And
// the splitter only offers entries it can place.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/yaml_list_split.h"
#include "cli/yaml_stream.h"
#include "tests/cli/seeded_random.h"
#include "tests/cli/stream_events.h"

using billet::cli::readYamlStream;
using billet::cli::YamlListSplitter;
using billet::cli::YamlPiece;
using billet::cli::YamlStreamError;

namespace {

std::vector<YamlPiece> split(const std::string& text) {
  YamlListSplitter splitter;
  std::vector<YamlPiece> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    splitter.feed(std::string_view(text).substr(at, end - at), out);
    at = end;
  }
  splitter.finish(out);
  return out;
}

// "E3:2" for an entry on line 3 spanning 2 lines, "T1:2" for text.
std::vector<std::string> shape(const std::vector<YamlPiece>& pieces) {
  std::vector<std::string> s;
  for (const YamlPiece& p : pieces)
    s.push_back((p.entry ? "E" : "T") + std::to_string(p.line) + ":" + std::to_string(p.lines));
  return s;
}

std::vector<std::string> events(const std::string& text, int workers, bool& ok) {
  std::vector<std::string> out;
  std::istringstream in(text);
  YamlStreamError failure;
  ok = readYamlStream(in, billet::cli::testing::recordEvents(out), failure, workers);
  if (!ok)
    out.push_back("failed@" + std::to_string(failure.line) + ":" + std::to_string(failure.column) +
                  " " + failure.message);
  return out;
}

// The same events with 1, 2 and 3 workers; returns them.
std::vector<std::string> sameAsSerial(const std::string& text) {
  bool ok1 = false, ok2 = false, ok3 = false;
  const std::vector<std::string> one = events(text, 1, ok1);
  const std::vector<std::string> two = events(text, 2, ok2);
  const std::vector<std::string> three = events(text, 3, ok3);
  INFO(text);
  CHECK(two == one);
  CHECK(three == one);
  CHECK(ok2 == ok1);
  return one;
}

std::string list(int n) {
  std::string s = "apiVersion: v1\nitems:\n";
  for (int i = 0; i < n; ++i)
    s += "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p" + std::to_string(i) +
         "\n    labels: {app: a" + std::to_string(i % 3) +
         "}\n  spec:\n    containers:\n    - name: c\n"
         "      image: \"reg/img:" +
         std::to_string(i) +
         "\"\n      args: [\"--x\", '1']\n      command:\n"
         "      - |\n        echo one\n        - not an entry\n";
  return s + "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
}

}  // namespace

TEST_CASE("yaml list split: a List as kubectl prints it is cut into its entries") {
  const std::string text =
      "apiVersion: v1\nitems:\n- a: 1\n  b:\n  - 2\n# note\n- c: 3\nkind: List\nmetadata:\n  x: "
      "\"\"\n";
  // The last entry, before `kind: List`, is read in place (YamlListSplitter).
  CHECK(shape(split(text)) == std::vector<std::string>{"T1:2", "E3:4", "T7:4"});
  const std::vector<YamlPiece> pieces = split(text);
  CHECK(pieces[1].text == "- a: 1\n  b:\n  - 2\n# note\n");
  std::string joined;
  for (const YamlPiece& p : pieces) joined += p.text;
  CHECK(joined == text);  // nothing lost, nothing added
}

TEST_CASE("yaml list split: only entries it can place are offered") {
  // A quoted value before items: it could span lines, so `items:` may not be a key.
  CHECK(shape(split("a: 'x\nitems:\n- b: 1\n")) == std::vector<std::string>{"T1:3"});
  // Indented entries, an entry with "-" alone, items on the key's line: not cut.
  CHECK(shape(split("items:\n  - a: 1\n  - b: 2\n")) == std::vector<std::string>{"T1:3"});
  CHECK(shape(split("items:\n-\n  a: 1\n- b: 2\n")) == std::vector<std::string>{"T1:4"});
  CHECK(shape(split("items: [1, 2]\n- a\n")) == std::vector<std::string>{"T1:2"});
  // A lone carriage return: yaml-cpp would count lines differently; the rest is text, and so is
  // the entry it may continue.
  CHECK(shape(split("items:\n- a: 1\n- b: 2\r- c: 3\n- d: 4\n")) ==
        std::vector<std::string>{"T1:1", "T2:3"});
  // Control bytes: yaml-cpp reads NULs at the start as UTF-32, 0x04 as its end of input.
  CHECK(shape(split(std::string("items:\n- a: 1\n- b: \0\n- c: 2\n", 28))) ==
        std::vector<std::string>{"T1:1", "T2:3"});
  // CRLF line ends are lines like any other.
  CHECK(shape(split("items:\r\n- a: 1\r\n- b: 2\r\n")) ==
        std::vector<std::string>{"T1:1", "E2:1", "E3:1"});
  // Documents: each List is cut; a document that is not one is text to its end.
  CHECK(
      shape(split("items:\n- a: 1\n---\nkind: X\nspec: |\n  items:\n- b\n---\nitems:\n- c: 1\n")) ==
      std::vector<std::string>{"T1:1", "T2:1", "T3:5", "T8:2", "E10:1"});
}

TEST_CASE("yaml list split: strings kubectl wrapped over lines stay in their entry") {
  // kubectl wraps long strings, continuing them on more indented lines: the entry is still cut,
  // and the ones after it.
  const std::string text =
      "items:\n"
      "- status:\n"
      "    message: 'ReplicaSet \"app\" has timed out progressing: the deadline of\n"
      "      600s was exceeded'\n"
      "    reason: Deployment does not have minimum availability because of the pods\n"
      "      that are still pending\n"
      "    note: \"escaped\\\n      \\ break \\\" and\n\n      more\"\n"
      "- b: 'it''s'\n"
      "- c: \"a\\\"b\"\n"
      "- d: 1\n";
  CHECK(shape(split(text)) == std::vector<std::string>{"T1:1", "E2:9", "E11:1", "E12:1", "E13:1"});
  const std::vector<std::string> e = sameAsSerial(text + "kind: List\n");
  CHECK(e.size() == 5);
  // A quote not closed in its entry, a continuation at column 0, one that reads as a key: the
  // rest of the document is read in place.
  CHECK(shape(split("items:\n- a: 'x\n- b: y'\n- c: 1\n")) ==
        std::vector<std::string>{"T1:1", "T2:3"});
  CHECK(shape(split("items:\n- a: 'x\n# y'\n- c: 1\n")) ==
        std::vector<std::string>{"T1:1", "T2:3"});
  CHECK(shape(split("items:\n- a: x\n    y: 1\n- c: 1\n")) ==
        std::vector<std::string>{"T1:1", "T2:3"});
  sameAsSerial("items:\n- a: 'x\n- b: y'\n- c: 1\n- d: 'p\n\n    q'\n- e: r\n    s\n- f\n");
}

TEST_CASE("yaml list split: an entry over the size bound stays text, and so does the rest") {
  std::string big = "items:\n- a: 1\n- b: |\n";
  const std::string line = "    " + std::string(1000, 'x') + "\n";
  while (big.size() < YamlListSplitter::kMaxEntryBytes + 10000) big += line;
  big += "- c: 2\n";
  const std::vector<std::string> s = shape(split(big));
  REQUIRE(s.size() >= 3);
  CHECK(s[0] == "T1:1");
  CHECK(s[1] == "E2:1");
  CHECK(s[2].rfind("T3:", 0) == 0);
  for (std::size_t i = 2; i < s.size(); ++i) CHECK(s[i][0] == 'T');
}

TEST_CASE("yaml parallel: a cluster dump reads the same as on one thread") {
  const std::vector<std::string> e = sameAsSerial(list(300));
  REQUIRE(e.size() == 301);
  CHECK(e[0].rfind("item@3 {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p0\"",
                   0) == 0);
  CHECK(e.back() == "list@1");
}

TEST_CASE("yaml parallel: what an entry cannot say alone is read in place, the same") {
  // Anchors and aliases across entries.
  sameAsSerial("items:\n- &a {x: 1}\n- *a\n- b: 2\n- &k k\n- {*k : v}\n");
  // A quoted scalar and a flow collection running over "- " lines.
  sameAsSerial("items:\n- a: \"one\n- two\"\n- b: 1\n- c: [1,\n- 2]\n- d: 4\n");
  sameAsSerial("items:\n- a: 'one\n\n- two'\n- b: 1\n");
  sameAsSerial("items:\n- a: 'one\nkind: List\n- x'\n- b: 1\n");
  sameAsSerial("items:\n- a: \"one\n---\n- two\"\n- b: 1\n");
  sameAsSerial("items:\n- a: {x: 1,\n- y: 2}\n- b: 1\nkind: List\n");
  // A plain scalar followed by a column-0 line that is not an entry.
  sameAsSerial("items:\n- a: foo\nbar\n- b: 1\n");
  sameAsSerial("items:\n- a: foo\nbar: 2\n- b: 1\n");
  sameAsSerial("items:\n- foo\nbar\n- b: 1\n");
  sameAsSerial("items:\n- a: |\n    x\n- b\n- c: >\n  y\n-d\n");
  // An entry that is an error; errors and their positions after substituted entries.
  sameAsSerial("items:\n- a: 1\n- b: 2\n- c: [\n- d: 4\n");
  sameAsSerial(list(5) + "---\nitems:\n- a: 1\n- b: : :\n");
  sameAsSerial(list(3) + "---\na: {\n");
  // Not a List: items of another kind stay in their document, substituted or not.
  sameAsSerial("apiVersion: example.com/v1\nitems:\n- a: 1\n- b: 2\nkind: Thing\n");
  sameAsSerial("items:\n- a: 1\nkind: Deployment\n");
  // Tabs, comments between entries, a document end, several Lists, a list without kind.
  sameAsSerial("items:\n- a: 1\n\t- b\n- c: 2\n");
  sameAsSerial("items:\n# one\n- a: 1\n# two\n\n- b: 2\n...\nitems:\n- c: 3\nkind: List\n");
  sameAsSerial("\xEF\xBB\xBFitems:\n- a: 1\n- b: 2\n");
  sameAsSerial(std::string("\0\0\0\titems:\n- a: 1\n- b: 2\n---\nitems:\n- c: 1\n- d: 2\n", 50));
  sameAsSerial("items:\n- a: 1\n- b: 2");  // no final line break
  sameAsSerial("items:\r\n- a: 1\r\n- b: x\r\n  c: y\r\nkind: List\r\n");
  // Duplicate keys, plain scalars resolved as kubectl resolves them, nested sequences.
  sameAsSerial("items:\n- a: 0755\n  a: yes\n  b: ~\n  c: 1e3\n- - x\n  - - y\n- 'q'\n- null\n");
  // Deep nesting inside an entry: the depth guard's error, in place.
  std::string deep = "items:\n- a: 1\n- ";
  for (int i = 0; i < 2000; ++i) deep += "[";
  sameAsSerial(deep + "\n");
}

TEST_CASE("yaml parallel: random streams of List-like lines read the same as on one thread") {
  // Lines that start, continue, close and break entries, in every order a seeded generator
  // makes: quotes and flow collections left open, block scalars, anchors, tabs, markers.
  const std::vector<std::string> lines = {"apiVersion: v1",
                                          "items:",
                                          "kind: List",
                                          "metadata:",
                                          "  resourceVersion: \"\"",
                                          "---",
                                          "...",
                                          "- a: 1",
                                          "- b: 'x",
                                          "- c: \"y",
                                          "  d: z'",
                                          "  e: w\"",
                                          "- f: [1,",
                                          "  2]",
                                          "- g: {h: 1,",
                                          "  i: 2}",
                                          "- j: |",
                                          "    text",
                                          "  - k",
                                          "  l: 0755",
                                          "- &m {n: 1}",
                                          "- *m",
                                          "-",
                                          "-o",
                                          "\tp: 1",
                                          "# note",
                                          "",
                                          "  ",
                                          "q",
                                          "- r: s: t",
                                          "- - u",
                                          "  - v",
                                          "- w: >",
                                          "  x",
                                          "- ~",
                                          "items: [1]",
                                          "  items:",
                                          "%YAML 1.2",
                                          "- y: 'a\r",
                                          "- z: 1\r",
                                          "kind: Thing",
                                          "  a: [",
                                          "- \"key\": v",
                                          "- ? k",
                                          "  : v",
                                          "- !!str 1",
                                          "- 1e3",
                                          "- yes",
                                          std::string("- n\0ul", 6),
                                          std::string("\0\0\0\tx", 5),
                                          "- eo\x04t",
                                          "\xfe\xff",
                                          "- m: 'wrapped",
                                          "    text'",
                                          "- n: plain",
                                          "    more words",
                                          "- o: \"esc\\",
                                          "    \\ aped\"",
                                          "  \\\"q"};
  billet::cli::testing::SeededRandom random(0x9E3779B97F4A7C15ull);
  auto next = [&random] { return random.next(); };
  int parallelRead = 0;
  const int rounds =
      std::getenv("BILLET_YAML_ROUNDS") ? std::atoi(std::getenv("BILLET_YAML_ROUNDS")) : 1500;
  for (int round = 0; round < rounds; ++round) {
    std::string text = next() % 4 == 0 ? "" : "apiVersion: v1\nitems:\n";
    const int n = 3 + static_cast<int>(next() % 14);
    for (int i = 0; i < n; ++i) {
      // Mostly well-formed entries, so that substitution happens around the broken lines.
      if (next() % 3 == 0) {
        text += "- name: e" + std::to_string(i) + "\n  spec: {a: 1}\n";
        for (int extra = static_cast<int>(next() % 4); extra > 0; --extra)
          text += "  x: |\n    y\n";
      } else {
        text += lines[next() % lines.size()];
        text += '\n';
      }
    }
    if (next() % 5 == 0) text.pop_back();  // no final line break
    bool ok1 = false, ok2 = false;
    const std::vector<std::string> one = events(text, 1, ok1);
    const std::vector<std::string> two = events(text, 2, ok2);
    INFO(text);
    REQUIRE(two == one);
    REQUIRE(ok2 == ok1);
    parallelRead += ok1 ? 1 : 0;
  }
  CHECK(parallelRead > 100);  // the generator makes valid streams too, not only errors
}
