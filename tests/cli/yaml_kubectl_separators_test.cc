// kubectl's `---` lines before yaml-cpp reads a stream: a separator kubectl cuts away is blanked
// after its dashes, a kept one passes as it is, and the stream ends before a line kubectl refuses;
// whatever the reads cut. yaml_stream_test checks what the reader then gives, and the yaml-scalars
// cluster scenario compares files of each kind with kubectl itself.
#include "cli/yaml_kubectl_separators.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

using billet::cli::KubectlSeparators;

namespace {

struct Through {
  std::string text;
  billet::cli::YamlStreamError refused;
  int pieceStart = 0;
};

// `text` read through KubectlSeparators, asking the source for `chunk` bytes at a time.
Through through(const std::string& text, std::size_t chunk = 1 << 16) {
  std::stringbuf source(text);
  KubectlSeparators separators(&source, chunk);
  std::istream in(&separators);
  Through t;
  t.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  t.refused = separators.refused();
  t.pieceStart = separators.refusedPieceStart();
  return t;
}

}  // namespace

TEST_CASE("kubectl separators: one cut away is blanked after its dashes, in place") {
  for (std::size_t chunk : {4u, 5u, 7u, 1u << 16}) {
    INFO("chunk " << chunk);
    // `---#c` and `--- # c` after a document: cut away.
    CHECK(through("a: 1\n---#c\nb: 2\n--- # c\r\nc: 3\n", chunk).text ==
          "a: 1\n---  \nb: 2\n---     \nc: 3\n");
    // First in the stream, or right after one cut away: kept, as it is (YAML reads it).
    CHECK(through("---#c\na: 1\n", chunk).text == "---#c\na: 1\n");
    CHECK(through("a: 1\n---\n---#c\n---#d\n", chunk).text == "a: 1\n---\n---#c\n---  \n");
    // A comment line, an empty one: something came before the separator.
    CHECK(through("# c\n---#c\n\n---#d\n", chunk).text == "# c\n---  \n\n---  \n");
    // Unicode's spaces are blanks to kubectl (U+00A0, U+3000), and the end of the stream ends
    // the line.
    CHECK(through("a: 1\n---\xc2\xa0#c\nb\n---\xe3\x80\x80", chunk).text ==
          "a: 1\n---    \nb\n---   ");
    // Not a separator: fewer dashes, or not at the line's start.
    CHECK(through("a: 1\n--\n -- -\n- ---\n--", chunk).text == "a: 1\n--\n -- -\n- ---\n--");
    CHECK(through("a: 1\n---#c", chunk).refused.line == 0);
  }
}

TEST_CASE("kubectl separators: lines found 16 bytes at a time as one at a time") {
  // Lines of every length up to 40 before separators and `-` lines, read whole (16 bytes at a
  // time) and cut into reads of 5 bytes (one at a time).
  std::string text, expected;
  for (int n = 0; n < 40; ++n) {
    const std::string line = "k" + std::string(static_cast<std::size_t>(n), 'v') + "\n";
    text += line + "- " + line + "---#" + std::string(static_cast<std::size_t>(n), 'c') + "\n";
    expected +=
        line + "- " + line + "---" + std::string(static_cast<std::size_t>(n) + 1, ' ') + "\n";
  }
  CHECK(through(text).text == expected);
  CHECK(through(text, 5).text == expected);
  const Through refused = through(text + std::string(30, 'x') + "\n----\n");
  CHECK(refused.refused.line == 40 * 3 + 2);
  CHECK(refused.pieceStart == 40 * 3);
  CHECK(through(text + std::string(30, 'x') + "\n----\n", 5).refused.line == 40 * 3 + 2);
}

TEST_CASE("kubectl separators: the stream ends before a line kubectl refuses") {
  for (std::size_t chunk : {4u, 5u, 7u, 1u << 16}) {
    INFO("chunk " << chunk);
    const Through t = through("a: 1\n---\nb: 2\n--- x  \nc: 3\n", chunk);
    CHECK(t.text == "a: 1\n---\nb: 2\n");
    CHECK(t.refused.line == 4);
    CHECK(t.refused.column == 1);
    CHECK(t.refused.message ==
          "invalid YAML: a line starting with `---` holds more than a comment (kubectl: invalid "
          "Yaml document separator: x)");
    CHECK(t.pieceStart == 2);
    // `----`, `---x`, a character that is not a space: refused wherever the line is.
    CHECK(through("----\n", chunk).refused.message.ends_with("separator: -)"));
    CHECK(through("a: |\n  b\n---x", chunk).refused.line == 3);
    CHECK(through("a\n---\xc2\xa0\xc3\xa9t\xc3\xa9\n", chunk)
              .refused.message.ends_with("separator: \xc3\xa9t\xc3\xa9)"));
    CHECK(through("---\xe3\x80\x80{a: 1}", chunk).refused.message.ends_with("separator: {a: 1})"));
    CHECK(through("---x", chunk).text.empty());
  }
  // A long line is quoted in part (40 bytes), cut between characters.
  const std::string e = "\xc3\xa9";
  const std::string rest = "x" + std::string(32, 'y') + e + e + e + e + std::string(100, 'z');
  CHECK(through("--- " + rest + "\n")
            .refused.message.ends_with("separator: x" + std::string(32, 'y') + e + e + e + "…)"));
  CHECK(
      through("---" + rest.substr(1) + "\n")
          .refused.message.ends_with("separator: " + std::string(32, 'y') + e + e + e + e + "…)"));
}

TEST_CASE("kubectl separators: byte order marks") {
  // kubectl drops a UTF-8 byte order mark before it reads lines: the first line is still one.
  CHECK(through("\xef\xbb\xbf---x\n").refused.line == 1);
  CHECK(through("\xef\xbb\xbf"
                "a\n---#c\n")
            .text ==
        "\xef\xbb\xbf"
        "a\n---  \n");
  // UTF-16 is yaml-cpp's to decode: passed on as it is.
  const std::string utf16("\xff\xfe-\0-\0-\0x\0\n\0", 12);
  CHECK(through(utf16, 5).text == utf16);
  CHECK(through(utf16).refused.line == 0);
}
