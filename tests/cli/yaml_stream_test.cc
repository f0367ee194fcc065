// The streaming reader of `lint`/`audit` inputs: the same values as the whole-file loader, a
// List's items handed over before the List ends, errors with their positions.
#include "cli/yaml_stream.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/offline.h"
#include "json/write.h"
#include "policy/source.h"
#include "policy/yaml_scalar.h"
#include "tests/cli/stream_events.h"

using billet::cli::readYamlStream;
using billet::cli::YamlStreamCallbacks;
using billet::cli::YamlStreamError;
using billet::json::Value;

namespace {

struct Read {
  std::vector<std::string> events;  // "doc@line json", "item@line json", "list@line", "error ..."
  bool ok = true;
  YamlStreamError failure;
};

Read read(const std::string& text) {
  Read r;
  YamlStreamCallbacks cb = billet::cli::testing::recordEvents(r.events);
  std::istringstream in(text);
  r.ok = readYamlStream(in, cb, r.failure);
  return r;
}

// `text`, after a first document that is read, is refused at line:column (of `text`).
void checkRefused(const std::string& text, int line, int column, const std::string& message) {
  INFO(text);
  const Read r = read("kind: A\n---\n" + text);
  CHECK_FALSE(r.ok);
  CHECK(r.events == std::vector<std::string>{R"(doc@1 {"kind":"A"})"});
  CHECK(r.failure.line == line + 2);
  CHECK(r.failure.column == column);
  CHECK(r.failure.message == "invalid YAML: " + message);
}

// The same in a List's entry, read by the block-style reader or by yaml-cpp, on one thread or
// more: `stream` is refused at line:column.
void checkRefusedInList(const std::string& stream, int line, int column,
                        const std::string& message) {
  for (unsigned threads : {1u, 3u}) {
    INFO(threads << " " << stream);
    std::vector<std::string> events;
    YamlStreamError failure;
    std::istringstream in(stream);
    CHECK_FALSE(readYamlStream(in, billet::cli::testing::recordEvents(events), failure, threads));
    CHECK(failure.line == line);
    CHECK(failure.column == column);
    CHECK(failure.message == "invalid YAML: " + message);
  }
}

}  // namespace

TEST_CASE("yaml stream: each document is what the whole-file loader makes of it") {
  // Scalars resolved as kubectl resolves them, quoted ones kept, duplicate keys replaced in
  // place, keys resolved like values, anchors and aliases expanded, empty documents dropped.
  const std::string text = R"(a: 0755
b: "0755"
c: [yes, 'no', ~, 1_000, 1e3, 2024-01-02, .5, '.inf', .info]
d: {x: 1, x: 2, y: 3}
yes: 1
0x1F: k
"null": n
'': empty
anchored: &anc {k: [1, 2]}
copy: *anc
keyed: &key name
*key : aliased-key
---
---
- &s scalar
- *s
- {one: 1}
---
plain
)";
  const Read r = read(text);
  REQUIRE(r.ok);
  std::vector<YAML::Node> nodes = YAML::LoadAll(text);
  std::vector<std::string> expected;
  for (const YAML::Node& n : nodes)
    if (n && !n.IsNull())
      expected.push_back("doc@" + std::to_string(n.Mark().line + 1) + " " +
                         billet::json::write(billet::policy::toValue(n)));
  CHECK(r.events == expected);
  CHECK(r.events.size() == 3);
}

TEST_CASE("yaml stream: a List's items are handed over one by one, before the List ends") {
  const Read r = read(R"(apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
- apiVersion: v1
  kind: Pod
  metadata: {name: b}
kind: List
metadata:
  resourceVersion: ""
)");
  REQUIRE(r.ok);
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[0] == R"(item@3 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}})");
  CHECK(r.events[1] == R"(item@6 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}})");
  CHECK(r.events[2] == "list@1");
}

TEST_CASE("yaml stream: kind before items, and a List without items") {
  Read r = read("kind: List\napiVersion: v1\nitems:\n- {kind: Pod}\n---\nkind: List\nitems: []\n");
  REQUIRE(r.ok);
  CHECK(r.events == std::vector<std::string>{R"(item@4 {"kind":"Pod"})", "list@1", "list@6"});
  // Whatever the kind and apiVersion, a top-level items sequence makes a list, as kubectl reads
  // it: its items are the objects (items that are not are refused later, as kubectl refuses
  // them), never the document itself.
  r = read("kind: Thing\nitems: [1, 2]\n");
  CHECK(r.events == std::vector<std::string>{"item@2 1", "item@2 2", "list@1"});
  r = read("apiVersion: example.com/v1\nitems: [1]\nkind: Thing\n");
  CHECK(r.events == std::vector<std::string>{"item@2 1", "list@1"});
  // items that are not a sequence: a document.
  r = read("kind: Thing\nitems: {a: 1}\n");
  CHECK(r.events == std::vector<std::string>{R"(doc@1 {"kind":"Thing","items":{"a":1}})"});
}

// A list read from the API (`kubectl get --raw /api/v1/pods`) is a PodList: kubectl applies its
// items, and billet reads them as a List's, before or after the kind.
TEST_CASE("yaml stream: a PodList is a list, as kubectl reads it") {
  for (const auto& [text, line] :
       {std::pair{"apiVersion: v1\nitems:\n- {a: 1}\nkind: PodList\n", 3},
        std::pair{"kind: PodList\napiVersion: v1\nitems:\n- {a: 1}\n", 4}}) {
    const Read r = read(text);
    REQUIRE(r.ok);
    CHECK(r.events ==
          std::vector<std::string>{"item@" + std::to_string(line) + R"( {"a":1})", "list@1"});
  }
}

// kubectl refuses a key it cannot make a JSON member name of (policy::kNullKeyError,
// kCollectionKeyError); lint read it as the member "" before.
TEST_CASE("yaml stream: a null or a collection as a mapping key is an error at the key") {
  struct Case {
    std::string text;
    int line, column;
    bool null;
  };
  const std::vector<Case> cases = {
      {"a: 1\n~: 2\n", 2, 1, true},           {"a: 1\nNULL: 2\n", 2, 1, true},
      {"a: {b: 1, null: 2}\n", 1, 11, true},  {"- ok: 1\n- x: 1\n  ~: 2\n", 3, 3, true},
      {"a: &n\nb: 1\n*n : 2\n", 3, 1, true},  {"a: 1\n? [x]\n: 2\n", 2, 3, false},
      {"a: 1\n? {b: 1}\n: 2\n", 2, 3, false}, {"a: &s [1]\n*s : 2\n", 2, 1, false},
  };
  for (const Case& c : cases)
    checkRefused(
        c.text, c.line, c.column,
        std::string(c.null ? billet::policy::kNullKeyError : billet::policy::kCollectionKeyError));
  checkRefusedInList("apiVersion: v1\nkind: List\nitems:\n- kind: C\n- kind: D\n  ~: 1\n", 6, 3,
                     std::string(billet::policy::kNullKeyError));
}

// yaml-cpp reads a key with no `:` after it, last in its mapping, as a key with a null value
// (`labels` alone on a line: `labels: null`); kubectl refuses the file ("could not find expected
// ':'").
TEST_CASE("yaml stream: a mapping key without a colon is an error at the key") {
  const std::string error(billet::policy::kKeyWithoutColonError);
  checkRefused("a: 1\nstray\n", 2, 1, error);
  checkRefused("a: 1\nspec:\n  b: 1\n  labels\n---\nc: 1\n", 4, 3, error);
  checkRefused("a: 1\n&k stray\n", 2, 1, error);
  checkRefusedInList("apiVersion: v1\nkind: List\nitems:\n- kind: C\n- kind: D\n  stray\n", 6, 3,
                     error);
  // A null after `:`, after `?`, or in a flow mapping is a value.
  const Read r = read("a:\nb: \n? c\nd: {e, f: 1}\ng:");
  REQUIRE(r.ok);
  CHECK(r.events == std::vector<std::string>{
                        R"(doc@1 {"a":null,"b":null,"c":null,"d":{"e":null,"f":1},"g":null})"});
}

// yaml-cpp reads an empty entry of a flow sequence as a null, placed at the ',' or ']' after it;
// kubectl refuses the file ("did not find expected node content"). `~`, an anchored empty node
// and a trailing comma are read by both.
TEST_CASE("yaml stream: an empty entry in a flow sequence is an error where it is") {
  const std::string error =
      "an empty entry in a flow sequence (kubectl: did not find expected node content)";
  checkRefused("a: [1, , 2]\n", 1, 8, error);
  checkRefused("a: [1,,2]\n", 1, 7, error);
  checkRefused("a: [, 1]\n", 1, 5, error);
  checkRefused("a: [ ]\nb: [ , ]\n", 2, 6, error);
  checkRefused("a: [\"x,y\", [1, ,]]\n", 1, 16, error);
  checkRefused("a: [1,\n  , 2]\n", 2, 3, error);
  checkRefusedInList("apiVersion: v1\nkind: List\nitems:\n- kind: C\n- kind: D\n  a: [1, , 2]\n", 6,
                     10, error);
  // After a byte order mark (yaml-cpp's positions start after it), and far into a stream.
  const Read bom = read(
      "\xEF\xBB\xBF"
      "a: [1, , 2]\n");
  CHECK_FALSE(bom.ok);
  CHECK(bom.failure.message == "invalid YAML: " + error);
  std::string far;
  for (int i = 0; i < 5000; ++i)
    far += "k" + std::to_string(i) + ": \"" + std::string(40, 'x') + "\"\n";
  checkRefused(far + "a: [1, , 2]\n", 5001, 8, error);
  // `~`, an anchored empty node, a trailing comma, an empty value in a pair: read by both.
  const Read ok = read("a: [1, ~, null, 2]\nb: [1, &x , 2]\nc: [1, 2, ]\nd: [x: , z]\ne: []\n");
  REQUIRE(ok.ok);
  CHECK(ok.events ==
        std::vector<std::string>{
            R"(doc@1 {"a":[1,null,null,2],"b":[1,null,2],"c":[1,2],"d":[{"x":null},"z"],"e":[]})"});
}

// kubectl cuts a stream at its `---` lines and reads the first document of each piece: one after
// a `...` line with no `---` before it, in the same piece as a document, is never sent.
TEST_CASE("yaml stream: a document after `...` with no `---` is skipped, as kubectl drops it") {
  const std::string why =
      "a document after another with no `---` line between them: kubectl does not send it";
  const Read r = read("a: 1\n...\nb: 2\n---\nc: 3\n...\n...\nd: 4\n---\nf: 5\n");
  REQUIRE(r.ok);
  CHECK(r.events == std::vector<std::string>{R"(doc@1 {"a":1})", "skipped@3 " + why,
                                             R"(doc@5 {"c":3})", "skipped@8 " + why,
                                             R"(doc@10 {"f":5})"});
  // A document after `...` that is a block sequence (`- x`, not a `---` line) is skipped too, and
  // does not start a piece.
  const Read dashes = read("a: 1\n...\n- x\n...\nb: 2\n---\nc: 3\n");
  REQUIRE(dashes.ok);
  CHECK(dashes.events == std::vector<std::string>{R"(doc@1 {"a":1})", "skipped@3 " + why,
                                                  "skipped@5 " + why, R"(doc@7 {"c":3})"});
  // A `---` line first in the stream, or right after one kubectl cut the stream at, stays in its
  // piece: the empty document it begins is the one kubectl reads there, not the next.
  for (const char* text : {"---\n...\nb: 2\n", "a: 1\n---\n---\n...\nb: 2\n"}) {
    INFO(text);
    const Read kept = read(text);
    REQUIRE(kept.ok);
    CHECK(kept.events.back() == "skipped@" + std::string(text[0] == '-' ? "3 " : "5 ") + why);
  }
  // A List's items are not handed over either, on one thread or more.
  for (int threads : {1, 3}) {
    INFO(threads);
    std::vector<std::string> events;
    YamlStreamError failure;
    std::istringstream in("kind: List\nitems:\n- a: 1\n...\nkind: List\nitems:\n- b: 2\n- c: 3\n");
    REQUIRE(readYamlStream(in, billet::cli::testing::recordEvents(events), failure, threads));
    CHECK(events == std::vector<std::string>{R"(item@3 {"a":1})", "list@1", "skipped@5 " + why});
  }
}

TEST_CASE("yaml stream: a piece of the stream that begins with `...` is refused, as by kubectl") {
  // kubectl reads each piece between `---` lines as a stream of its own, which cannot begin with
  // `...` ("did not find expected node content"); blank and comment lines before it count not.
  const std::string message =
      "invalid YAML: a `...` line first in a piece of the stream (kubectl: did not find expected "
      "node content)";
  for (const auto& [text, line] : std::vector<std::pair<std::string, int>>{
           {"# c\n...\nb: 2\n", 2},
           {"...\nb: 2\n", 1},
           {"a: 1\n---\n...\nb: 2\n", 3},
           {"a: 1\n--- # c\n\n  # e\n... # f\nb: 2\n", 5},
           {"\n---\n...\nb: 2\n", 3},
           {"a: 1\n---\n# e\n...\n%YAML 1.2\n---\nf: 5\n", 4}}) {
    INFO(text);
    const Read r = read(text);
    CHECK_FALSE(r.ok);
    CHECK(r.failure.line == line);
    CHECK(r.failure.column == 1);
    CHECK(r.failure.message == message);
  }
}

TEST_CASE("yaml stream: a `---` line with more than a comment is refused, as by kubectl") {
  // kubectl reads the lines that begin with `---` as separators, by their text: more than blanks
  // and a comment after the dashes ends the stream there, what YAML would read as a node
  // (`--- x`) or as a plain scalar (`----`, `---x`) alike. What yaml-cpp would make of the rest
  // (a mapping it cannot place after `--- x`) is not what is named.
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"--- {kind: B}\n", "{kind: B}"},
      {"--- |\n  x\n", "|"},
      {"---\t!!map\nkind: B\n", "!!map"},
      {"--- x\nkind: B\n", "x"},
      {"----\nkind: B\n", "-"},
      {"---x  \nkind: B\n", "x"},
      {"---x y # z\n", "x y # z"},
      {"---\xc2\xa0x\n", "x"},
      {"---x", "x"}};
  for (const auto& [text, rest] : refused)
    checkRefused(text, 1, 1,
                 "a line starting with `---` holds more than a comment (kubectl: invalid Yaml "
                 "document separator: " +
                     rest + ")");
  // Wherever the line is: in a block scalar's text too, and first in the stream.
  const Read inBlock = read("a: |\n  x\n---x\n  y\n");
  CHECK_FALSE(inBlock.ok);
  CHECK(inBlock.failure.line == 3);
  const Read first = read("---x\nkind: B\n");
  CHECK_FALSE(first.ok);
  CHECK(first.events.empty());
  CHECK(first.failure.line == 1);
  // kubectl refuses the line before it reads any YAML of the piece the line ends: an error in
  // that piece is not the one given, and one in an earlier piece is.
  for (const char* text : {"a: [1\n---x\n", "a: b: c\n---x\n", "k: A\n---\na: b: c\n---x\n",
                           "k: A\n---\na: \x01\n---x\n"}) {
    INFO(text);
    const Read r = read(text);
    CHECK_FALSE(r.ok);
    CHECK(r.failure.message.find("(kubectl: invalid Yaml document separator: x)") !=
          std::string::npos);
  }
  for (const char* text : {"a: b: c\n---\n---x\n", "a: \x01\n---\nk: B\n---x\n"}) {
    INFO(text);
    const Read r = read(text);
    CHECK_FALSE(r.ok);
    CHECK(r.failure.line == 1);
  }
  // Where yaml-cpp stops inside a document, its own error is the one given.
  const Read open = read("a: [1\n");
  CHECK_FALSE(open.ok);
  CHECK(open.failure.line == 2);
  CHECK(open.failure.message == "invalid YAML: end of sequence flow not found");
  // A comment, blanks or nothing after the dashes: a separator to both; to kubectl, with no blank
  // before the comment too, and Unicode's spaces are blanks.
  for (const char* line : {"--- # a comment", "---  \t", "---", "---# a comment", "---#",
                           "---\xc2\xa0", "---\r", "---\xe3\x80\x80#c"}) {
    INFO(line);
    const Read r = read(std::string("kind: A\n") + line + "\nkind: B\n");
    CHECK(r.ok);
    CHECK(r.events == std::vector<std::string>{R"(doc@1 {"kind":"A"})", R"(doc@3 {"kind":"B"})"});
  }
}

TEST_CASE("yaml stream: a `---` line kubectl drops is not read, its control characters neither") {
  const Read dropped = read("kind: A\n--- # x\x01y\nkind: B\n");
  CHECK(dropped.ok);
  CHECK(dropped.events ==
        std::vector<std::string>{R"(doc@1 {"kind":"A"})", R"(doc@3 {"kind":"B"})"});
  // First in the stream the line is kept, and read: both refuse the character.
  const Read kept = read("--- # x\x01y\nkind: B\n");
  CHECK_FALSE(kept.ok);
  CHECK(kept.failure.message == "invalid YAML: control character U+0001 is not allowed in YAML");
}

TEST_CASE("yaml stream: `---#c` first in a piece of the stream is YAML's plain scalar") {
  // kubectl keeps a separator that begins a piece (first in the stream, or right after one cut
  // away) as the piece's first line, where go-yaml reads `---#c` as a plain scalar, as yaml-cpp
  // does: here one before a mapping, which both refuse.
  for (const char* text : {"---#c\nkind: B\n", "kind: A\n---\n---#c\nkind: B\n"}) {
    INFO(text);
    const Read r = read(text);
    CHECK_FALSE(r.ok);
    CHECK(r.failure.message == "invalid YAML: illegal map value");
  }
  // Alone, it is a scalar document.
  const Read alone = read("kind: A\n---\n---#c\n---\nkind: B\n");
  CHECK(alone.ok);
  CHECK(alone.events == std::vector<std::string>{R"(doc@1 {"kind":"A"})", R"(doc@3 "---#c")",
                                                 R"(doc@5 {"kind":"B"})"});
}

TEST_CASE("yaml stream: a directive alone in a piece of the stream is refused, as by kubectl") {
  // kubectl cuts a stream at its `---` lines before it parses: the directives before a `---` line
  // are a piece with no document, which it refuses; yaml-cpp reads them for the next document.
  const std::string message =
      "a `%` directive before a `---` line (kubectl cuts the stream at `---` lines first, and a "
      "directive alone is no document: did not find expected <document start>)";
  for (const auto& [text, line] : std::vector<std::pair<std::string, int>>{
           {"%YAML 1.1\n---\na: 1\n", 1},
           {"# c\n\n%TAG ! tag:x.org,2000:\n--- # d\na: 1\n", 3},
           {"  \n%YAML 1.1\n# x\n%TAG ! tag:x.org,2000:\n---\na: 1\n", 2},
           {"a: 1\n---\n%YAML 1.1\n---\nb: 1\n", 3}}) {
    INFO(text);
    const Read r = read(text);
    CHECK_FALSE(r.ok);
    CHECK(r.failure.line == line);
    CHECK(r.failure.column == 1);
    CHECK(r.failure.message == "invalid YAML: " + message);
  }
  // After a document in its piece (`...`), or after a `---` line first in the stream, which
  // kubectl keeps in the piece it begins: kubectl reads the piece's first document, and so does
  // billet; a `%` in a comment or a scalar is no directive.
  for (const char* text : {"a: 1\n...\n%YAML 1.1\n---\nb: 1\n", "---\n%YAML 1.1\n---\nb: 1\n",
                           "# %YAML 1.1\n---\na: 1\n", "a: |\n  %YAML\n---\nb: 1\n"}) {
    INFO(text);
    const Read r = read(text);
    CHECK(r.ok);
  }
}

TEST_CASE("yaml stream: a tab where kubectl allows none before a node is refused there") {
  // After `-`, `?` or an explicit value's `:`, and at the start of a blank or comment line
  // between a node and what it follows; yaml-cpp reads these.
  const std::string message =
      "a tab after `-`, `?` or `:` before a node, or at the start of a line before it (kubectl: "
      "found character that cannot start any token)";
  checkRefused("k:\n-\ta\n", 2, 3, message);
  checkRefused("k:\n- \ta\n", 2, 4, message);
  checkRefused("k:\n- - \ta\n", 2, 6, message);
  checkRefused("k:\n-\t# c\n  a: 1\n", 3, 3, message);
  checkRefused("k:\n-\t\n  a: 1\n", 3, 3, message);
  checkRefused("k:\n-\n\t\n  a: 1\n", 4, 3, message);
  checkRefused("k:\n\t\n  a: 1\n", 3, 3, message);
  checkRefused("k:\n  \t# c\n  a: 1\n", 3, 3, message);
  checkRefused("?\tk\n: a\n", 1, 3, message);
  checkRefused("? k\n:\ta\n", 2, 3, message);
  // Elsewhere a tab is a blank to both: after a key's `:`, in a comment, in a block scalar or a
  // flow collection, after a value.
  for (const char* text : {"k:\ta\n", "k: \ta\n", "k:\t\n  a: 1\n", "k:\n- # c\t\n  a: 1\n",
                           "k:\n-\n  # c\t\n  a: 1\n", "k: |\n  -\tx\n", "k: [a,\tb]\n",
                           "k:\n- a\t\n", "k:\n- a:\tb\n"}) {
    INFO(text);
    const Read r = read(text);
    CHECK(r.ok);
    CHECK(r.events.size() == 1);
  }
}

TEST_CASE(
    "yaml stream: a slash escaped in a double-quoted scalar is refused there, as by kubectl") {
  // yaml-cpp (YAML 1.2) reads it as `/`; kubectl's reader (YAML 1.1) refuses the file.
  const std::string message =
      "`\\/` in a double-quoted scalar, an escape YAML 1.1 does not have (kubectl: found unknown "
      "escape character)";
  checkRefused("k: \"a\\/b\"\n", 1, 6, message);
  checkRefused("k: [x, \"\\/\"]\n", 1, 9, message);
  checkRefused("k: &a !!str \"\\/\"\n", 1, 14, message);
  checkRefused("\"a\\/\": 1\n", 1, 3, message);
  checkRefused("k: \"a b\n  c é \\/\"\n", 2, 8, message);  // columns in bytes, as yaml-cpp's
  checkRefused("k: \"a\\\"\\/\"\n", 1, 8, message);
  checkRefusedInList("kind: List\nitems:\n- a: 1\n- a: \"x\\/y\"\n", 4, 8, message);
  // A `/` of its own, an escaped backslash before it, single quotes, a block scalar: read by both.
  for (const char* text : {"k: \"a/b\"\n", "k: \"a\\\\/b\"\n", "k: 'a\\/b'\n", "k: |\n  a\\/b\n",
                           "k: a\\/b\n", "k: \"\\\\\"\nj: \"/\"\n"}) {
    INFO(text);
    const Read r = read(text);
    CHECK(r.ok);
    CHECK(r.events.size() == 1);
  }
}

TEST_CASE("yaml stream: infinities and NaN are refused where they are, as kubectl refuses them") {
  checkRefused("a: 1\nb: [x, .inf]\n", 2, 8,
               "`.inf` is a float JSON cannot hold (kubectl: json: unsupported value: +Inf)");
  checkRefused("a: !!float -.INF\n", 1, 4,
               "`-.INF` is a float JSON cannot hold (kubectl: json: unsupported value: -Inf)");
  checkRefused("a: &n .NaN\n", 1, 4,
               "`.NaN` is a float JSON cannot hold (kubectl: json: unsupported value: NaN)");
  checkRefusedInList(
      "apiVersion: v1\nkind: List\nitems:\n- kind: C\n- kind: D\n  v: +.inf\n", 6, 6,
      "`+.inf` is a float JSON cannot hold (kubectl: json: unsupported value: +Inf)");
  // Quoted, or as keys (named as kubectl names them), they are read.
  const Read r = read("a: '.inf'\nb: \".nan\"\n.Inf: 1\n-.INF: 2\n.NaN: 3\n");
  REQUIRE(r.ok);
  CHECK(r.events ==
        std::vector<std::string>{R"(doc@1 {"a":".inf","b":".nan",".inf":1,"-.inf":2,".nan":3})"});
}

TEST_CASE("yaml stream: merge keys and tagged scalars read as kubectl reads them") {
  // What kubectl sent a real API server for the same text (the yaml-scalars cluster scenario
  // compares them again): members merged where the key is, later ones replacing earlier ones;
  // of a sequence of mappings the first wins; core tags resolved, !!binary decoded.
  const std::string text = R"(base: &b {a: 2, c: 3}
before: {a: 1, <<: *b}
after: {<<: *b, a: 1}
x: &x {a: 1, b: 1}
z: &z {b: 2, c: 2}
several:
  <<: [*x, *z]
  d: 4
twice: {<<: {a: 1}, <<: {b: 2}}
empty: {<<: {}, a: 1}
tagged: {!!merge <<: {a: 1}}
quoted: {"<<": {a: 1}}
tags: [!!int "7", !!float 1, !!bool "off", !!null "", !!binary aGVsbG8=, !!str 12, !local 3]
)";
  const Read r = read(text);
  REQUIRE(r.ok);
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0] ==
        R"(doc@1 {"base":{"a":2,"c":3},"before":{"a":2,"c":3},"after":{"a":1,"c":3},)"
        R"("x":{"a":1,"b":1},"z":{"b":2,"c":2},"several":{"b":1,"c":2,"a":1,"d":4},)"
        R"("twice":{"a":1,"b":2},"empty":{"a":1},"tagged":{"a":1},"quoted":{"<<":{"a":1}},)"
        R"("tags":[7,1,false,null,"hello","12","3"]})");
  // The whole-file loader (policy documents' values) reads the same.
  std::vector<YAML::Node> nodes = YAML::LoadAll(text);
  REQUIRE(nodes.size() == 1);
  CHECK(r.events[0] == "doc@1 " + billet::json::write(billet::policy::toValue(nodes[0])));
  // At the top level, a merged kind counts as the document's.
  const Read top = read("<<: {apiVersion: v1, kind: List}\nitems:\n- {kind: A}\n");
  REQUIRE(top.ok);
  CHECK(top.events == std::vector<std::string>{R"(item@3 {"kind":"A"})", "list@1"});
}

TEST_CASE("yaml stream: a merge key's value that is not mappings, a tag its text does not fit") {
  struct Case {
    std::string text;
    int line, column;
    std::string message;
  };
  const std::string merge(billet::policy::kMergeValueError);
  const std::vector<Case> cases = {
      {"m:\n  <<: ~\n  a: 1\n", 2, 7, merge},
      {"m:\n  <<: 1\n", 2, 7, merge},
      {"m: {<<: [{a: 1}, 2]}\n", 1, 9, merge},
      {"a: !!int abc\n", 1, 4, "cannot decode !!str `abc` as a !!int"},
      {"a: [1, !!bool maybe]\n", 1, 8, "cannot decode !!str `maybe` as a !!bool"},
      {"a: !!binary \"%%%%\"\n", 1, 4, "!!binary value contains invalid base64 data"},
  };
  for (const Case& c : cases) checkRefused(c.text, c.line, c.column, c.message);
  // In a List's entry, merged or refused, on one thread or more (the block-style reader leaves
  // the merge key to yaml-cpp).
  for (unsigned threads : {1u, 3u}) {
    INFO(threads);
    std::vector<std::string> events;
    YamlStreamError failure;
    std::istringstream good(
        "apiVersion: v1\nkind: List\nitems:\n- kind: C\n  <<:\n    a: 1\n    kind: D\n");
    CHECK(readYamlStream(good, billet::cli::testing::recordEvents(events), failure, threads));
    CHECK(events == std::vector<std::string>{R"(item@4 {"kind":"D","a":1})", "list@1"});
  }
  checkRefusedInList("apiVersion: v1\nkind: List\nitems:\n- kind: C\n  <<: [1]\n", 5, 7, merge);
}

TEST_CASE("yaml stream: an integer key past int64 is an error at the key, in every reader") {
  const std::string message(billet::policy::kUnsignedKeyError);
  checkRefused("a: {12345678901234567890: 1}\n", 1, 5, message);
  CHECK(read("a: {\"12345678901234567890\": 1, 9223372036854775807: 2}\n").ok);  // names
  checkRefusedInList(
      "apiVersion: v1\nkind: List\nitems:\n- kind: C\n- kind: D\n  18446744073709551615: 1\n", 6, 3,
      message);
}

TEST_CASE("yaml stream: a syntax error stops the file, what came before was handed over") {
  const Read r = read("kind: A\n---\nkind: B\nmetadata: {name: x\n");
  CHECK_FALSE(r.ok);
  CHECK(r.events == std::vector<std::string>{R"(doc@1 {"kind":"A"})"});
  CHECK(r.failure.line >= 4);
  CHECK(r.failure.message.rfind("invalid YAML: ", 0) == 0);
}

TEST_CASE("yaml stream: bytes that are not UTF-8 are read as U+FFFD, as kubectl reads them") {
  // A value, double-quoted, after a document; a key in a List's entry (the entry's own reader
  // gives up on it; yaml-cpp reads it).
  Read r = read("kind: A\n---\nkind: B\ndata:\n  k: \"ab\xff\"\n");
  REQUIRE(r.ok);
  CHECK(r.events ==
        std::vector<std::string>{R"(doc@1 {"kind":"A"})",
                                 "doc@3 {\"kind\":\"B\",\"data\":{\"k\":\"ab\xef\xbf\xbd\"}}"});
  r = read("apiVersion: v1\nkind: List\nitems:\n- kind: C\n  d\xe9: 1\n");
  REQUIRE(r.ok);
  CHECK(r.events ==
        std::vector<std::string>{"item@4 {\"kind\":\"C\",\"d\xef\xbf\xbd\":1}", "list@1"});
  // Text that is UTF-8 is read as it is.
  r = read("k: \"caf\xc3\xa9\"\n");
  REQUIRE(r.ok);
  CHECK(r.events == std::vector<std::string>{"doc@1 {\"k\":\"caf\xc3\xa9\"}"});
}

// yaml-cpp reads `\N` and `\_` as the lone bytes 0x85 and 0xA0; kubectl reads U+0085 and U+00A0.
TEST_CASE(
    "yaml stream: the escapes N and _ after a backslash are the characters NEL and no-break "
    "space") {
  const Read r = read(
      "a: \"x\\Ny\"\nb: \"x\\_y\"\nc: \"\xc3\xa0\\_\\N\xe2\x80\xa6\"\n\"k\\_\": 1\n"
      "d: \"\\L\\P\\x85\\xa0\\u00a0\"\ne: x\\Ny\nf: 'x\\_y'\n");
  REQUIRE(r.ok);
  CHECK(r.events == std::vector<std::string>{
                        "doc@1 "
                        "{\"a\":\"x\xc2\x85y\",\"b\":\"x\xc2\xa0y\",\"c\":"
                        "\"\xc3\xa0\xc2\xa0\xc2\x85\xe2\x80\xa6\","
                        "\"k\xc2\xa0\":1,\"d\":"
                        "\"\xe2\x80\xa8\xe2\x80\xa9\xc2\x85\xc2\xa0\xc2\xa0\",\"e\":\"x\\\\Ny\","
                        "\"f\":\"x\\\\_y\"}"});
}

TEST_CASE("yaml stream: aliases are bounded, and a node containing itself is an error") {
  Read r = read("a: &a [*a]\n");
  CHECK_FALSE(r.ok);
  CHECK(r.failure.message == "invalid YAML: an alias inside the node it refers to (a cycle)");
  CHECK(r.failure.line == 1);
  // Nine levels of ten aliases each: 10^9 nodes.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  r = read(bomb);
  CHECK_FALSE(r.ok);
  CHECK(r.failure.message.find("aliases expand to more than") != std::string::npos);
}

TEST_CASE("streamResources: files read one by one, a named file without an object an error") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "billet-yaml-stream-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "in");
  std::ofstream(dir / "in" / "a.yaml")
      << "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n"
         "- {apiVersion: v1, kind: ConfigMap}\nkind: List\n";
  std::ofstream(dir / "in" / "b.json") << R"({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "n"}}]})";
  std::ofstream(dir / "empty.yaml") << "# nothing\n";

  std::vector<std::string> seen, notes;
  std::vector<billet::policy::LoadError> errors;
  billet::cli::ResourceCallbacks cb;
  cb.resource = [&](billet::cli::Resource& r) {
    seen.push_back(r.id() + "@" + std::to_string(r.line));
  };
  cb.note = [&](const std::string& n) { notes.push_back(n); };
  cb.error = [&](const billet::policy::LoadError& e) { errors.push_back(e); };
  billet::cli::streamResources({(dir / "in").string(), (dir / "empty.yaml").string()}, {}, cb);
  CHECK(seen == std::vector<std::string>{"Pod/default/p@3", "Service/n/s@1"});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == (dir / "in" / "a.yaml").string() +
                        ":6: skipped: kind ConfigMap without metadata.name: not an object the API "
                        "server stores");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].format() ==
        (dir / "empty.yaml").string() + ": holds no Kubernetes object: empty or comments only");
  fs::remove_all(dir);
}

TEST_CASE("streamResources: a JSON file after a UTF-8 byte order mark, as kubectl reads it") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "billet-json-bom-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string bom = "\xEF\xBB\xBF";
  // A List (read as a stream), two objects one after another (read whole), a broken one.
  std::ofstream(dir / "list.json") << bom << R"({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "n"}}]})";
  std::ofstream(dir / "two.json")
      << bom << R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}})";
  std::ofstream(dir / "broken.json") << bom << R"({"a":)";
  std::vector<std::string> seen;
  std::vector<billet::policy::LoadError> errors;
  billet::cli::ResourceCallbacks cb;
  cb.resource = [&](billet::cli::Resource& r) {
    seen.push_back(r.id() + "@" + std::to_string(r.line));
  };
  cb.note = [](const std::string&) {};
  cb.error = [&](const billet::policy::LoadError& e) { errors.push_back(e); };
  billet::cli::streamResources(
      {(dir / "list.json").string(), (dir / "two.json").string(), (dir / "broken.json").string()},
      {}, cb);
  CHECK(seen == std::vector<std::string>{"Service/n/s@1", "Pod/default/a@1", "Pod/default/b@2"});
  REQUIRE(errors.size() == 1);
  // The position on the first line is counted after the mark.
  CHECK(errors[0].format() ==
        (dir / "broken.json").string() + ":1:6: invalid JSON: unexpected end of input");
  fs::remove_all(dir);
}
