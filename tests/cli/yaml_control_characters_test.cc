// Control characters in `lint`/`audit` YAML: the document that holds one is refused, as kubectl
// refuses it, comments included, and nothing after it is read; what came before is handed over.
#include "cli/yaml_control_characters.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/yaml_stream.h"
#include "tests/cli/stream_events.h"

using billet::cli::readYamlStream;
using billet::cli::YamlStreamError;

namespace {

struct Read {
  std::vector<std::string> events;
  bool ok = true;
  YamlStreamError failure;
};

// On one thread, and with a List's entries parsed on three: the same events and errors.
Read read(const std::string& text) {
  Read one, three;
  for (auto [r, workers] : {std::pair{&one, 1}, std::pair{&three, 3}}) {
    std::istringstream in(text);
    r->ok = readYamlStream(in, billet::cli::testing::recordEvents(r->events), r->failure, workers);
  }
  CHECK(one.events == three.events);
  CHECK(one.ok == three.ok);
  CHECK(one.failure.line == three.failure.line);
  CHECK(one.failure.column == three.failure.column);
  CHECK(one.failure.message == three.failure.message);
  return one;
}

std::string refusal(const char* codePoint) {
  return std::string("invalid YAML: control character ") + codePoint + " is not allowed in YAML";
}

void checkRefused(const std::string& text, const std::vector<std::string>& events, int line,
                  int column, const char* codePoint) {
  INFO(text);
  const Read r = read(text);
  CHECK_FALSE(r.ok);
  CHECK(r.events == events);
  CHECK(r.failure.line == line);
  CHECK(r.failure.column == column);
  CHECK(r.failure.message == refusal(codePoint));
}

const std::vector<std::string> kDocA = {R"(doc@1 {"kind":"A"})"};

}  // namespace

TEST_CASE("control characters: the document holding one is refused where it is") {
  // In a plain scalar, a quoted one, a key; the document before is handed over.
  checkRefused("kind: A\n---\nkind: B\nv: a\x01z\n", kDocA, 4, 5, "U+0001");
  checkRefused("kind: A\n---\nkind: B\nv: \"a\x1b[0m\"\n", kDocA, 4, 6, "U+001B");
  checkRefused("kind: A\n---\nkind: B\nk\x7f: 1\n", kDocA, 4, 2, "U+007F");
  // NUL, which yaml-cpp read as an escape of the line break after it.
  checkRefused(std::string("kind: A\n---\na: 1\0\nb: 2\n", 21), kDocA, 3, 5, "U+0000");
  // C1 controls (two bytes in UTF-8), U+FFFE and U+FFFF.
  checkRefused("kind: A\n---\nv: x\xc2\x86\n", kDocA, 3, 5, "U+0086");
  checkRefused("kind: A\n---\nv: x\xc2\x9f\n", kDocA, 3, 5, "U+009F");
  checkRefused("kind: A\n---\nv: \xef\xbf\xbe\n", kDocA, 3, 4, "U+FFFE");
  checkRefused("kind: A\n---\nv: \xef\xbf\xbf\n", kDocA, 3, 4, "U+FFFF");
}

TEST_CASE("control characters: in comments too, in the document kubectl cuts them into") {
  // After the document's last node, before the next `---`: that document is kubectl's.
  checkRefused("kind: A\n---\nkind: B\n# note \x1b[0m\n---\nkind: C\n", kDocA, 4, 8, "U+001B");
  // Before a document's first node.
  checkRefused("kind: A\n---\n# \x7f\nkind: B\n", kDocA, 3, 3, "U+007F");
  // Before anything.
  checkRefused("# \x01\nkind: A\n", {}, 1, 3, "U+0001");
  // After the last document.
  checkRefused("kind: A\n# \x02\n", {}, 2, 3, "U+0002");
}

TEST_CASE("control characters: what YAML allows is read") {
  // Escapes in double quotes, tab and carriage return, NEL (U+0085, a line break: the comment
  // ends there), other two-byte characters, and the characters next to U+FFFE.
  const Read r = read(
      "a: \"\\x01\\e\"\r\nb:\t2\n# \xc2\x85# \xc2\xa0 \xc2\xa9\n"
      "c: \"\xef\xbf\xbd\xef\xbf\xbc\xef\xbb\xbf\"\n");
  CHECK(r.ok);
  CHECK(r.events == std::vector<std::string>{"doc@1 {\"a\":\"\\u0001\\u001b\",\"b\":2,\"c\":"
                                             "\"\xef\xbf\xbd\xef\xbf\xbc\xef\xbb\xbf\"}"});
}

TEST_CASE("control characters: UTF-32 is bytes, and its NULs are refused, as by kubectl") {
  // kubectl decodes UTF-16 only (resources.cc does too, before the reader: utf16_decoding.h), so
  // "a: b\n" in UTF-32 after its byte order mark holds NULs, which both refuse.
  const Read r = read(std::string("\0\0\xfe\xff\0\0\0a\0\0\0:\0\0\0 \0\0\0b\0\0\0\n", 24));
  CHECK_FALSE(r.ok);
  CHECK(r.events.empty());
  CHECK(r.failure.line == 1);
  CHECK(r.failure.column == 1);
  CHECK(r.failure.message == "invalid YAML: control character U+0000 is not allowed in YAML");
}

TEST_CASE("control characters: a List's items before the one holding it are handed over") {
  const std::string list =
      "apiVersion: v1\nkind: List\nitems:\n- kind: C\n- kind: D\n  x: \"\x01\"\n- kind: E\n";
  checkRefused(list, {R"(item@4 {"kind":"C"})"}, 6, 7, "U+0001");
  // In a comment after the last item.
  checkRefused("apiVersion: v1\nkind: List\nitems:\n- kind: C\n# \x03\n", {}, 5, 3, "U+0003");
}

TEST_CASE("control characters: found across the reads of a long stream, at the right place") {
  // The check reads 65,534 bytes first: characters cut by that read, and positions after it.
  constexpr std::size_t kFirstRead = 65534;
  for (const std::string seq : {"\xc2\x86", "\xef\xbf\xbe"}) {
    for (std::size_t before = 1; before < seq.size() + 1; ++before) {
      // `before` bytes of the sequence in the first read, the rest in the next.
      const std::size_t at = kFirstRead - before;
      const std::string text = "v: " + std::string(at - 3, 'x') + seq + "\n";
      INFO(seq.size() << " " << before);
      checkRefused(text, {}, 1, static_cast<int>(at) + 1, seq.size() == 2 ? "U+0086" : "U+FFFE");
    }
  }
  // A printable two-byte character cut by the read is read whole.
  const std::string copyright = "v: " + std::string(kFirstRead - 4, 'x') + "\xc2\xa9\n";
  const Read ok = read(copyright);
  CHECK(ok.ok);
  REQUIRE(ok.events.size() == 1);
  CHECK(ok.events[0].find("xx\xc2\xa9\"}") != std::string::npos);
  // Lines counted over several reads: 30,000 lines of 10 bytes, then the character.
  std::string lines;
  for (int i = 0; i < 30000; ++i) lines += "- 1234567\n";
  checkRefused("kind: A\n---\nv:\n" + lines + "- ab\x05\n", kDocA, 30004, 5, "U+0005");
}
