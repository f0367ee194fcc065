// UTF-16 inputs decoded as kubectl decodes them (golang.org/x/text's UTF-16 decoder behind
// BOMOverride), whatever the reads cut; the yaml-scalars cluster scenario compares files of each
// kind with kubectl itself.
#include "cli/utf16_decoding.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

using billet::cli::Utf16Decoding;

namespace {

const std::string kFffd = "\xef\xbf\xbd";

// `units` (16-bit code units) after a byte order mark, little- or big-endian, then `tail`.
std::string utf16(std::initializer_list<unsigned> units, bool bigEndian,
                  const std::string& tail = "") {
  std::string out = bigEndian ? "\xFE\xFF" : "\xFF\xFE";
  for (unsigned u : units) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += bigEndian ? hi : lo;
    out += bigEndian ? lo : hi;
  }
  return out + tail;
}

std::string decoded(const std::string& bytes, std::size_t chunk = 1 << 16) {
  std::stringbuf source(bytes);
  Utf16Decoding utf8(&source, chunk);
  std::istream in(&utf8);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("utf16 decoding: characters, pairs and what pairs with nothing, as x/text decodes") {
  for (bool bigEndian : {false, true}) {
    for (std::size_t chunk : {4u, 5u, 7u, 1u << 16}) {
      INFO((bigEndian ? "big" : "little") << "-endian, reads of " << chunk);
      // The byte order mark is dropped; ASCII, two- and three-byte characters, and a pair.
      CHECK(decoded(utf16({'a', ':', ' ', 0xE9, 0x20AC, 0xD83D, 0xDE00, '\n'}, bigEndian), chunk) ==
            "a: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n");
      // A high surrogate before anything but a low one, at the end, or a low one alone: U+FFFD.
      CHECK(decoded(utf16({'p', 0xD800, 'q'}, bigEndian), chunk) == "p" + kFffd + "q");
      CHECK(decoded(utf16({0xD800, 0xD83D, 0xDE00}, bigEndian), chunk) ==
            kFffd + "\xf0\x9f\x98\x80");
      CHECK(decoded(utf16({'p', 0xD800}, bigEndian), chunk) == "p" + kFffd);
      CHECK(decoded(utf16({0xDC00, 'x'}, bigEndian), chunk) == kFffd + "x");
      // A low surrogate before another: both are taken, for one U+FFFD (x/text's reading).
      CHECK(decoded(utf16({0xDC00, 0xDC01, 'x'}, bigEndian), chunk) == kFffd + "x");
      // A byte left alone at the end: U+FFFD; after a surrogate, one each.
      CHECK(decoded(utf16({'a'}, bigEndian, "b"), chunk) == "a" + kFffd);
      CHECK(decoded(utf16({0xD800}, bigEndian, "b"), chunk) == kFffd + kFffd);
      // NUL is a character like another (UTF-32's zero halves; the YAML check refuses it).
      CHECK(decoded(utf16({0, 'a'}, bigEndian), chunk) == std::string("\0a", 2));
    }
  }
  CHECK(decoded("\xFF\xFE").empty());
}

TEST_CASE("utf16 decoding: which inputs start with a UTF-16 byte order mark") {
  CHECK(billet::cli::startsWithUtf16Bom("\xFF\xFE"));
  CHECK(billet::cli::startsWithUtf16Bom("\xFE\xFF\x00\x61"));
  CHECK(billet::cli::startsWithUtf16Bom(std::string("\xFF\xFE\0\0", 4)));  // UTF-32LE, as kubectl
  CHECK_FALSE(billet::cli::startsWithUtf16Bom(std::string("\0\0\xFE\xFF", 4)));
  CHECK_FALSE(billet::cli::startsWithUtf16Bom("\xEF\xBB\xBF"));
  CHECK_FALSE(billet::cli::startsWithUtf16Bom("\xFF"));
}
