// readBlockEntry, the reader of List entries in kubectl's block style, against yaml-cpp: what it
// reads, it reads as the yaml-cpp reader does (the same value); what it cannot be sure of, it
// leaves to yaml-cpp (false). And it does read what kubectl prints, or lint would be slow again.
#include "cli/yaml_block_entry.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/yaml_list_split.h"
#include "cli/yaml_stream.h"
#include "json/write.h"
#include "tests/cli/seeded_random.h"

using billet::cli::readBlockEntry;
namespace json = billet::json;

namespace {

// The entry as the yaml-cpp reader reads it, one thread, in a List; nothing when it is not one
// entry that reads without an error.
std::optional<std::string> viaYamlCpp(const std::string& entry) {
  std::istringstream in("items:\n" + entry + "kind: List\n");
  std::vector<std::string> items;
  bool other = false;
  billet::cli::YamlStreamCallbacks cb;
  cb.listItem = [&](json::Value v, int) { items.push_back(json::write(v)); };
  cb.document = [&](json::Value, int) { other = true; };
  cb.list = [](int) {};
  cb.error = [&](const billet::cli::YamlStreamError&) { other = true; };
  billet::cli::YamlStreamError error;
  if (!billet::cli::readYamlStream(in, cb, error, 1) || other || items.size() != 1)
    return std::nullopt;
  return items[0];
}

std::optional<std::string> viaBlockReader(const std::string& entry) {
  json::Value v;
  if (!readBlockEntry(entry, v)) return std::nullopt;
  return json::write(v);
}

// Read by the block reader, as yaml-cpp reads it; returns the value's JSON.
std::string same(const std::string& entry) {
  INFO(entry);
  const std::optional<std::string> fast = viaBlockReader(entry);
  const std::optional<std::string> slow = viaYamlCpp(entry);
  REQUIRE(fast);
  REQUIRE(slow);
  CHECK(*fast == *slow);
  return *fast;
}

void leftToYamlCpp(const std::string& entry) {
  INFO(entry);
  CHECK_FALSE(viaBlockReader(entry));
}

}  // namespace

TEST_CASE("yaml block entry: an object as kubectl prints it") {
  const std::string deployment =
      "- apiVersion: apps/v1\n"
      "  kind: Deployment\n"
      "  metadata:\n"
      "    annotations:\n"
      "      deployment.kubernetes.io/revision: \"3\"\n"
      "      kubectl.kubernetes.io/last-applied-configuration: |\n"
      "        {\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}\n"
      "    creationTimestamp: \"2026-11-02T10:00:00Z\"\n"
      "    generation: 3\n"
      "    labels:\n"
      "      app: app-0\n"
      "    managedFields:\n"
      "    - apiVersion: apps/v1\n"
      "      fieldsType: FieldsV1\n"
      "      fieldsV1:\n"
      "        f:metadata:\n"
      "          f:labels:\n"
      "            .: {}\n"
      "            f:app: {}\n"
      "        f:spec:\n"
      "          f:template:\n"
      "            f:spec:\n"
      "              f:containers:\n"
      "                k:{\"name\":\"app\"}:\n"
      "                  .: {}\n"
      "                  f:image: {}\n"
      "      manager: kubectl-client-side-apply\n"
      "      operation: Update\n"
      "      time: \"2026-11-30T08:15:42Z\"\n"
      "    name: app-0\n"
      "    uid: 6f1c0000-0000-4000-8000-000000000000\n"
      "  spec:\n"
      "    replicas: 1\n"
      "    strategy:\n"
      "      rollingUpdate:\n"
      "        maxSurge: 25%\n"
      "    template:\n"
      "      metadata:\n"
      "        creationTimestamp: null\n"
      "      spec:\n"
      "        containers:\n"
      "        - args:\n"
      "          - --port=8080\n"
      "          - -v\n"
      "          command:\n"
      "          - /bin/sh\n"
      "          - -c\n"
      "          - |-\n"
      "            echo start\n"
      "\n"
      "            exec server\n"
      "          env:\n"
      "          - name: EMPTY\n"
      "          - name: QUOTED\n"
      "            value: 'it''s'\n"
      "          image: registry.example/team/app:1.4.0\n"
      "          resources: {}\n"
      "        dnsPolicy: ClusterFirst\n"
      "        tolerations: []\n"
      "  status: {}\n";
  const std::string v = same(deployment);
  CHECK(v.find("\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{}") != std::string::npos);
  CHECK(v.find("\"echo start\\n\\nexec server\"") != std::string::npos);
}

TEST_CASE("yaml block entry: scalars resolve as the yaml-cpp reader resolves them") {
  CHECK(same("- a: 0755\n  b: 0x1F\n  c: yes\n  d: ~\n  e: 1e3\n  f: 1_000\n  g: +1\n"
             "  h: .5\n  i: .info\n  j: 2024-01-02\n  k: \"0755\"\n  l: 'yes'\n  m:\n  nn: Null\n"
             "  o: -1\n  p: -x\n  q: =\n  r: a:b\n  s: a,b\n  t: a  b\n  u: 1.0\n") ==
        "{\"a\":493,\"b\":31,\"c\":true,\"d\":null,\"e\":1000,\"f\":1000,\"g\":1,\"h\":0.5,"
        "\"i\":\".info\",\"j\":\"2024-01-02\",\"k\":\"0755\",\"l\":\"yes\",\"m\":null,\"nn\":null,"
        "\"o\":-1,\"p\":\"-x\",\"q\":\"=\",\"r\":\"a:b\",\"s\":\"a,b\",\"t\":\"a  b\",\"u\":1}");
  // Keys resolve too; later duplicates replace earlier ones in place. A null key is an error
  // (kubectl refuses it), which yaml-cpp's reader reports with its position.
  CHECK(same("- yes: 1\n  0755: 2\n  \"null\": 3\n  \"no\": 4\n  'x y': 5\n  a: 6\n  a: 7\n"
             "  n: 8\n  '': 9\n") ==
        "{\"true\":1,\"493\":2,\"null\":3,\"no\":4,\"x y\":5,\"a\":7,\"false\":8,\"\":9}");
  leftToYamlCpp("- a: 1\n  ~: 3\n");
  leftToYamlCpp("- a: 1\n  Null: 3\n");
  // A float JSON cannot hold: the reader refuses it where it is. As a key it is a name.
  leftToYamlCpp("- a: 1\n  b: .inf\n");
  leftToYamlCpp("- a: 1\n  b: .NaN\n");
  CHECK(same("- .Inf: 1\n  -.inf: 2\n  .nan: 3\n  '.inf': x\n") ==
        "{\".inf\":\"x\",\"-.inf\":2,\".nan\":3}");
  // Escapes in double quotes.
  same("- a: \"tab\\there \\\"q\\\" back\\\\slash \\u00e9\\u20ac \\x41 \\0 \\e \\ \"\n");
  // `\/`, which kubectl refuses, is left to yaml-cpp's reader, which refuses it too.
  leftToYamlCpp("- a: \"x\\/y\"\n");
  same("- \"k\\ty\": \"\"\n  '': ''\n");
  // UTF-8 text, in plain and quoted scalars and keys.
  same(
      "- caf\xc3\xa9: \xe6\x97\xa5\xe6\x9c\xac\n  b: '\xc3\xa9t\xc3\xa9'\n  c: \"\xf0\x9f\x98\x80 "
      "\\u00e9\"\n");
  // Trailing spaces, after values, keys and dashes.
  same("- a: 1   \n  b:   \n    c: x  \n  d:    2\n");
  same("-   \n  a: 1\n");
}

TEST_CASE("yaml block entry: collections in every block layout") {
  // A sequence at its key's indentation and deeper; "-" with its node below; scalars as entries.
  same("- a:\n  - 1\n  - x: 2\n    y:\n    - 3\n  b:\n    - 4\n    -\n      c: 5\n    -\n  d: 6\n");
  // Extra spaces after "-": the mapping starts where its first key does.
  same("- a:\n  -   x: 1\n      y: 2\n  - z\n");
  // Blank lines anywhere between nodes.
  same("- a: 1\n\n  b:\n\n    c: 2\n   \n  d:\n\n  - 3\n\n");
  // A scalar entry, and a mapping with 20 keys and a duplicate (the indexed path).
  same("- just text\n");
  std::string many = "- k0: 0\n";
  for (int i = 1; i < 20; ++i) many += "  k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  many += "  k3: again\n";
  CHECK(same(many).find("\"k3\":\"again\",\"k4\"") != std::string::npos);
}

TEST_CASE("yaml block entry: literal block scalars and their chomping") {
  same("- a: |\n    one\n    two\n  b: x\n");
  same("- a: |-\n    one\n\n\n  b: x\n");
  same("- a: |+\n    one\n\n\n  b: x\n");
  same("- a: |+\n    one\n\n");
  same("- a: |\n    one\n\n      deeper\n    two\n");
  same("- a: |\n\n    after a blank line\n");
  same("- |\n  entry text\n");
  same("- a:\n  - |\n    in a sequence\n  - b\n");
  same("- a: |\n    trailing spaces kept   \n");
}

TEST_CASE("yaml block entry: strings kubectl wrapped over lines") {
  // kubectl wraps long strings at about 80 columns, continuing them on more indented lines.
  CHECK(
      same("- status:\n"
           "    conditions:\n"
           "    - message: 'ReplicaSet \"app-5d4f8c7b9\" has timed out progressing: the deadline\n"
           "        of 600s was exceeded'\n"
           "      reason: ProgressDeadlineExceeded\n"
           "    - message: Deployment does not have minimum availability because of the pods\n"
           "        that are still pending\n"
           "      type: Available\n") ==
      "{\"status\":{\"conditions\":[{\"message\":\"ReplicaSet \\\"app-5d4f8c7b9\\\" has timed out "
      "progressing: the deadline of 600s was exceeded\",\"reason\":\"ProgressDeadlineExceeded\"},"
      "{\"message\":\"Deployment does not have minimum availability because of the pods that "
      "are still pending\",\"type\":\"Available\"}]}}");
  // Double quotes: an escaped line break joins without a space, escapes go on over lines.
  same(
      "- a: \"a double-quoted string with an escaped\\\n    \\ line break and \\\"quotes\\\" that\n"
      "    runs on\\n over lines  \"\n  b: 1\n");
  // Blank lines inside are line breaks; spaces around each line are folded away.
  same("- a: one   \n\n     two\n\n\n     three\n  b: 'x   \n\n    y'\n  c: \"p\n\n    q\"\n");
  same("- one\n  two\n");
  same("- k: 'it''s\n    wrapped'\n");
  same("- k: 1\n    2\n");  // resolved after folding: the string "1 2"
  // Blank lines before a closing quote on a line of its own: a line feed each, in both (yaml-cpp
  // kept one until billet put the others back, cli/yaml_scalar_tails.h).
  CHECK(same("- a: 'x\n\n\n    '\n  b: \"\n\n    \"\n") == "{\"a\":\"x\\n\\n\",\"b\":\"\\n\"}");
}

TEST_CASE("yaml block entry: what it does not read is left to yaml-cpp") {
  for (const char* entry : {
           "- a: 1\n\tb: 2\n",             // a tab
           "- a: 1\r\n",                   // a carriage return
           "- a: caf\xc3\n",               // not UTF-8
           "- a: \xc0\xaf\n",              // an overlong form
           "- a: \xed\xa0\x80\n",          // a surrogate
           "- a: x\xc2\x85y\n",            // U+0085, a YAML 1.1 line break
           "- a: x\xe2\x80\xa8y\n",        // U+2028
           "- a: x\xef\xbb\xbfy\n",        // U+FEFF
           "- a: 1 # note\n",              // a comment
           "- # note\n  a: 1\n",           //
           "- a: &x 1\n  b: *x\n",         // anchors, aliases
           "- a: !!str 1\n",               // a tag
           "- <<:\n    a: 1\n  b: 2\n",    // a merge key
           "- a: [1, 2]\n",                // flow collections other than {} and []
           "- a: {b: 1}\n",                //
           "- a: >\n    folded\n",         // a folded scalar
           "- a: |2\n    indicator\n",     // an indentation indicator
           "- a: \"one\n    two\n",        // a quoted scalar not closed in the entry
           "- a: 'one\n  two'\n",          // continued at its key's indentation
           "- a: one\n    b: c\n",         // a continuation that reads as a key
           "- a: one\n    #two\n",         // or as a comment
           "- a: \"one\\\n\n    two\"\n",  // an escaped line break, then a blank line
           "- a: 'one' x\n",               // text after a closing quote
           "- a: 'one\n    two' x\n",      //
           "- - nested\n",                 // a compact nested sequence
           "- ? complex\n  : key\n",       // a complex key
           "- a: \"\\U0001F600\"\n",       // an escape it does not take
           "- a: \"\\ud83d\"\n",           //
           "- a: \"\\x80\"\n",             //
           "- a: b: c\n",                  // a value that reads as a key
           "- a: 1\n    b: 2\n",           // a deeper line after a value
           "- a: 1\n - b\n",               // a line between two indentations
           "- a: |\n",                     // an empty block scalar
           "- a: |\n      x\n    y\n",     // a literal line less indented than its first
           "- a: 1\n- b: 2\n",             // two entries
           "  - a: 1\n",                   // not at column 0
           "- a: 1",                       // no final line break
           "- %x\n",
           "- @x\n",
           "- `x\n",      // reserved indicators
           "- a: ---\n",  // a marker as a value
       })
    leftToYamlCpp(entry);
  leftToYamlCpp("- " + std::string(1001, 'k') + ": v\n");  // a key past yaml-cpp's bound
  std::string deep = "-";
  for (int i = 0; i < 70; ++i) deep += "\n" + std::string(2 * i + 2, ' ') + "k:";
  leftToYamlCpp(deep + " 1\n");  // deeper than 64
}

TEST_CASE("yaml block entry: random entries read as yaml-cpp reads them, or are left to it") {
  // Entries built from a grammar of block collections, with scalars and keys drawn from tokens
  // that are in the reader's part of YAML and tokens just outside it, and indentation that is
  // sometimes off by one: whatever the reader accepts must be what yaml-cpp reads.
  // clang-format off
  const std::vector<std::string> scalars = {
      "x", "1", "0755", "yes", "~", "null", "-1", "-x", "1e3", ".5", ".inf", "1_000", "a:b",
      "a,b", "a[b]", "a{b}", "a]", "k:{\"n\":\"a\"}", "{}", "[]", "[1]", "{a: 1}", "'q''s'",
      "\"a\\tb\"", "\"\\u00e9\"", "\"\\x41\"", "\"bad\\q\"", "'open", "\"open", "a #c", "a#c",
      "-", "- x", ":x", "?x", "a: b", "x:", "@x", "%x", "!x", "*x", "&x y", "---", "...", "a  b",
      "=", "<<", "True", "0x1F", "+1", "'a' b", "\"a\"b", "'' ", "\"\"", "a'b", "a\"b", "|", "|-",
      "|+", ">", "|2", "| x", "b&c", "b*c", "b!c", "b|c", "b>c", "b%c", "b@c", "b`c", "b?c",
      "b - c", "b ? c", "b -", "b:", "b :c", "\"a\":", "'a'  ", "\"\\/\\ \\e\"", "0o17", "1:30",
      "caf\xc3\xa9", "'\xe6\x97\xa5'", "\xf0\x9f\x98\x80", "x\xc2\x85y", "x\xe2\x80\xa8", "\xef\xbb\xbfx",
      "a\xc3", "\xff", "\xc2\xa0x", "x\xc2\xa0"};
  // clang-format on
  const std::vector<std::string> keys = {
      "a",     "b",   "a",       "yes", "0755", "~",  "f:spec", ".", "k:{\"name\":\"c\"}",
      "\"q\"", "'s'", "\"a b\"", "-k",  "a b",  "x ", "?",      "-", "'open",
      "a#b",   "<<"};
  billet::cli::testing::SeededRandom random(0x2545F4914F6CDD1Dull);
  auto next = [&random] { return random.next(); };
  auto pick = [&next](const std::vector<std::string>& from) { return from[next() % from.size()]; };
  // An indentation, sometimes one off.
  auto indent = [&next](int n) {
    const int r = static_cast<int>(next() % 16);
    return std::string(std::max(0, r == 0 ? n - 1 : r == 1 ? n + 1 : n), ' ');
  };
  // Lines of a node's value after "key:" or "-" at column `n`, nested up to `depth`.
  std::function<std::string(int, int)> below;
  // The text after "- " or "key: " at column `n`, with any lines it needs below.
  bool wrapped = false;  // the entry has a scalar over several lines
  auto inlineValue = [&](int n) -> std::string {
    std::string s = pick(scalars);
    if (s[0] == '|' || s[0] == '>') {
      const int lines = static_cast<int>(next() % 4);
      for (int i = 0; i < lines; ++i) {
        const int r = static_cast<int>(next() % 6);
        s += "\n" +
             (r == 0 ? std::string() : indent(n + 2 + (r == 1 ? 2 : 0)) + "t" + std::to_string(i));
      }
      return s + (next() % 4 == 0 ? "\n" : "");
    }
    if (next() % 5 == 0) {  // wrapped over lines, as kubectl wraps long strings
      wrapped = true;
      const int lines = 1 + static_cast<int>(next() % 3);
      for (int i = 0; i < lines; ++i) {
        if (next() % 6 == 0) s += "\n" + std::string(next() % 3, ' ');  // a blank line
        if (s[0] == '"' && next() % 4 == 0) s += "\\";                  // an escaped break
        s += (next() % 5 == 0 ? "   " : "") + std::string("\n") +
             indent(n + 2 + (next() % 3 == 0 ? 2 : 0));
        s += pick(scalars);
      }
    }
    return s + (next() % 8 == 0 ? "  " : "");
  };
  below = [&](int n, int depth) -> std::string {
    std::string s;
    const int kind = depth <= 0 ? 2 : static_cast<int>(next() % 3);
    const int count = 1 + static_cast<int>(next() % 3);
    if (kind == 2) return "";  // nothing below: null
    const int at = n + (kind == 0 && next() % 2 == 0 ? 0 : 2);
    for (int i = 0; i < count; ++i) {
      if (next() % 10 == 0) s += indent(at).substr(0, next() % 3) + "\n";  // a blank line
      if (kind == 0) {                                                     // a sequence
        s += indent(at) + "-";
        const int r = static_cast<int>(next() % 4);
        if (r == 0) {
          s += "\n" + below(at, depth - 1);
        } else if (r == 1) {  // a mapping starting on the "-" line
          s += " " + pick(keys) + ":";
          const std::string v =
              next() % 2 ? " " + inlineValue(at + 2) + "\n" : "\n" + below(at + 2, depth - 1);
          s += v;
          if (next() % 2) s += indent(at + 2) + pick(keys) + ": " + inlineValue(at + 2) + "\n";
        } else {
          s += " " + inlineValue(at) + "\n";
        }
      } else {  // a mapping
        s += indent(at) + pick(keys) + ":";
        s += next() % 2 ? " " + inlineValue(at) + "\n" : "\n" + below(at, depth - 1);
      }
    }
    return s;
  };
  int accepted = 0, rejectedValid = 0, acceptedWrapped = 0;
  const int rounds =
      std::getenv("BILLET_YAML_ROUNDS") ? std::atoi(std::getenv("BILLET_YAML_ROUNDS")) : 4000;
  for (int round = 0; round < rounds; ++round) {
    wrapped = false;
    std::string entry = "- " + pick(keys) + ":\n" + below(2, 4);
    if (next() % 3 == 0) entry = "-\n" + below(0, 4);
    while (entry.find("\n\n\n") != std::string::npos)
      entry.replace(entry.find("\n\n\n"), 3, "\n\n");
    if (entry.back() != '\n') entry += '\n';
    const std::optional<std::string> fast = viaBlockReader(entry);
    const std::optional<std::string> slow = fast ? viaYamlCpp(entry) : std::nullopt;
    INFO(entry);
    if (fast) {
      REQUIRE(slow);
      REQUIRE(*fast == *slow);
      ++accepted;
      acceptedWrapped += wrapped ? 1 : 0;
    } else {
      rejectedValid += viaYamlCpp(entry) ? 1 : 0;
    }
  }
  // The grammar makes entries the reader takes, not only ones it leaves.
  CHECK(accepted > rounds / 10);
  CHECK(acceptedWrapped > rounds / 50);
  WARN("accepted " << accepted << " of " << rounds << " (" << acceptedWrapped
                   << " with wrapped scalars); left to yaml-cpp though valid: " << rejectedValid);
}

TEST_CASE("yaml block entry: every entry of a generated cluster dump is read without yaml-cpp") {
  // tests/cli/gen_cluster_dump.sh prints what `kubectl get deploy,pods -A -o yaml` prints; were
  // its entries left to yaml-cpp, lint and audit of a cluster dump would be several times slower.
  FILE* pipe = popen("bash " BILLET_SOURCE_DIR "/tests/cli/gen_cluster_dump.sh 40", "r");
  REQUIRE(pipe);
  std::string dump;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) dump.append(buffer, n);
  REQUIRE(pclose(pipe) == 0);
  billet::cli::YamlListSplitter splitter;
  std::vector<billet::cli::YamlPiece> pieces;
  for (std::size_t at = 0; at < dump.size();) {
    const std::size_t end = std::min(dump.find('\n', at), dump.size() - 1) + 1;
    splitter.feed(std::string_view(dump).substr(at, end - at), pieces);
    at = end;
  }
  splitter.finish(pieces);
  int entries = 0;
  for (const billet::cli::YamlPiece& piece : pieces) {
    if (!piece.entry) continue;
    ++entries;
    same(piece.text);
  }
  CHECK(entries == 39);  // all but the last, read in place
}
