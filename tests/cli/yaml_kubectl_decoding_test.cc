// Bytes that are not UTF-8 in `lint`/`audit` YAML: read as U+FFFD, one for each maximal subpart,
// as kubectl reads them (the yaml-scalars cluster test compares with kubectl itself), whatever
// the reads cut.
#include "cli/yaml_kubectl_decoding.h"

#include <catch2/catch.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "cli/yaml_stream.h"
#include "tests/cli/stream_events.h"

using billet::cli::KubectlDecoding;

namespace {

constexpr const char* kFffd = "\xef\xbf\xbd";

// `text` read through the replacement, asking the source for `chunk` bytes at a time.
std::string through(const std::string& text, std::size_t chunk = 1 << 16,
                    std::size_t* replaced = nullptr) {
  std::stringbuf source(text);
  KubectlDecoding utf8(&source, chunk);
  std::istream in(&utf8);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (replaced) *replaced = utf8.replaced();
  return out;
}

std::string fffd(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += kFffd;
  return s;
}

}  // namespace

TEST_CASE("kubectl decoding: one U+FFFD for each maximal subpart, as kubectl reads it") {
  // Each row: the bytes, and how many U+FFFD stand for them. The counts are those of a decoder
  // following Unicode's maximal-subpart practice (Python's bytes.decode("utf-8", "replace")
  // agrees with every row); the cluster test checks rows of them against kubectl.
  const std::vector<std::pair<std::string, int>> rows = {
      {"\xe9", 1},                  // Latin-1 é
      {"\xa0", 1},                  // Latin-1 no-break space: not U+00A0
      {"\x80", 1},                  // a continuation byte alone
      {"\xff", 1},                  // never in UTF-8
      {"\xc0\xaf", 2},              // overlong: C0 starts nothing
      {"\xe0\x80\xaf", 3},          // overlong: E0 wants A0–BF next
      {"\xed\xa0\x80", 3},          // a surrogate: ED wants 80–9F next
      {"\xf4\x90\x80\x80", 4},      // past U+10FFFF
      {"\xe2\x82", 1},              // cut short, before a quote
      {"\xf0\x9f\x9a", 1},          // cut short, before a quote
      {"\xe2\x82\xe2\x82\xac", 1},  // cut short, then a whole € (E2 82 AC)
  };
  for (const auto& [bytes, n] : rows) {
    INFO("row of " << bytes.size() << " bytes, first 0x" << std::hex
                   << static_cast<int>(static_cast<unsigned char>(bytes[0])));
    std::size_t replaced = 0;
    const std::string out = through("v: \"x" + bytes + "\"\n", 1 << 16, &replaced);
    const std::string tail = bytes == "\xe2\x82\xe2\x82\xac" ? "\xe2\x82\xac" : "";
    CHECK(out == "v: \"x" + fffd(n) + tail + "\"\n");
    CHECK(replaced == static_cast<std::size_t>(n));
    // At the very end of the input too: a sequence cut short by the end is one U+FFFD.
    CHECK(through(bytes) == fffd(n) + tail);
  }
  // UTF-8 passes untouched, U+FFFD, U+2028 and a four-byte character included.
  const std::string text =
      "caf\xc3\xa9 \xe2\x80\xa6 \xef\xbf\xbd \xe2\x80\xa8 \xf0\x9f\x9a\x80 \xc2\xa0\n";
  std::size_t replaced = 1;
  CHECK(through(text, 1 << 16, &replaced) == text);
  CHECK(replaced == 0);
}

TEST_CASE("kubectl decoding: NEL is the line break kubectl's reader reads it as") {
  std::size_t replaced = 1;
  CHECK(through("a: 1 # c\xc2\x85"
                "b: \"x\xc2\x85y\xe9\"\xc2\x85",
                1 << 16, &replaced) == "a: 1 # c\nb: \"x\ny\xef\xbf\xbd\"\n");
  CHECK(replaced == 1);
  // Cut by a read or not.
  for (std::size_t chunk : {8u, 9u, 10u})
    CHECK(through("abcdefg\xc2\x85hijklmn\xc2\x85", chunk) == "abcdefg\nhijklmn\n");
  // As yaml-cpp reads it then: a comment ends there, a quoted scalar folds it into a space, and a
  // block scalar holds a line feed (kubectl sends {"a":1,"b":"x y","c":"p\nq\n"}).
  std::vector<std::string> events;
  billet::cli::YamlStreamError failure;
  std::istringstream in(
      "a: 1 # c\xc2\x85"
      "b: \"x\xc2\x85y\"\nc: |\n  p\xc2\x85  q\n");
  REQUIRE(billet::cli::readYamlStream(in, billet::cli::testing::recordEvents(events), failure, 1));
  CHECK(events == std::vector<std::string>{R"(doc@1 {"a":1,"b":"x y","c":"p\nq\n"})"});
}

TEST_CASE("kubectl decoding for JSON: U+FFFD as for YAML, and NEL kept as a character") {
  // kubectl decodes every input as UTF-8 with replacement before it chooses its reader; NEL is a
  // line break to its YAML reader only, and a character in a JSON string.
  const std::string json = "{\"a\":\"x\xc2\x85y\xe2\x82 \xc0\xaf\"}\xc2\x85";
  const std::string expected = "{\"a\":\"x\xc2\x85y" + fffd(1) + " " + fffd(2) + "\"}\xc2\x85";
  for (std::size_t chunk : {8u, 9u, 10u, 1u << 16}) {
    std::stringbuf source(json);
    KubectlDecoding utf8(&source, chunk, KubectlDecoding::Reader::kJson);
    std::istream in(&utf8);
    CHECK(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()) ==
          expected);
    CHECK(utf8.replaced() == 3);
  }
  CHECK(billet::cli::decodedForJson(json, false) == expected);
  const std::string valid = "{\"a\":\"caf\xc3\xa9 \xc2\x85\"}";
  CHECK(billet::cli::decodedForJson(valid, false) == valid);
}

TEST_CASE(
    "kubectl decoding: after a UTF-8 byte order mark, bytes as kubectl's decoder passes them") {
  // Its decoder passes them on as they are then: the YAML reader gets them (and refuses them),
  // the JSON decoder reads U+FFFD for each byte, two for the cut `E2 82`.
  const std::string yaml =
      "\xef\xbb\xbf"
      "a: \"caf\xe9 \xe2\x82\"\xc2\x85";
  for (std::size_t chunk : {8u, 9u, 1u << 16}) {
    std::size_t replaced = 1;
    CHECK(through(yaml, chunk, &replaced) ==
          "\xef\xbb\xbf"
          "a: \"caf\xe9 \xe2\x82\"\n");
    CHECK(replaced == 0);
  }
  const std::string json = "{\"a\":\"p\xe2\x82q\xc0\xaf\"}";
  CHECK(billet::cli::decodedForJson(json, true) == "{\"a\":\"p" + fffd(2) + "q" + fffd(2) + "\"}");
  CHECK(billet::cli::decodedForJson(json, false) == "{\"a\":\"p" + fffd(1) + "q" + fffd(2) + "\"}");
  // In YAML, the reader refuses them in a value, as kubectl's does.
  std::vector<std::string> events;
  billet::cli::YamlStreamError failure;
  std::istringstream in(
      "\xef\xbb\xbf"
      "kind: A\n---\nv: caf\xe9\n");
  CHECK_FALSE(
      billet::cli::readYamlStream(in, billet::cli::testing::recordEvents(events), failure, 1));
  CHECK(events == std::vector<std::string>{R"(doc@1 {"kind":"A"})"});
  CHECK(failure.line == 3);
  CHECK(failure.message.find("not UTF-8") != std::string::npos);
}

TEST_CASE("kubectl decoding: the same bytes whatever the reads cut") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {
      "a",    "key: value\n", "\xc3\xa9",     "\xe2\x80\xa6",     "\xf0\x9f\x9a\x80",
      "\x80", "\xc3",         "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\xaf",
      "\xff", "\xe2\x82"};
  for (int i = 0; i < 2'000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    const std::string whole = through(s);
    INFO("text of " << s.size() << " bytes");
    REQUIRE_FALSE(billet::base::findInvalidUtf8(whole).has_value());
    if (!billet::base::findInvalidUtf8(s)) REQUIRE(whole == s);
    for (std::size_t chunk : {8u, 9u, 10u, 11u, 13u, 17u}) REQUIRE(through(s, chunk) == whole);
  }
}

TEST_CASE("kubectl decoding: UTF-16 and UTF-32 bytes that reach it are bytes like others") {
  // UTF-16 is decoded before (utf16_decoding.h); what is not UTF-8 here is U+FFFD, a byte order
  // mark's FF and FE included, as in kubectl's UTF-8 decoder.
  const std::string utf16("\xff\xfek\0:\0 \0\xe9\0\n\0", 12);
  const std::string expected =
      fffd(2) + std::string("k\0:\0 \0", 6) + fffd(1) + std::string("\0\n\0", 3);
  CHECK(through(utf16) == expected);
  CHECK(through(utf16, 8) == expected);
}

TEST_CASE(
    "kubectl decoding: lint reads the object kubectl sends, U+FFFD where bytes were not UTF-8") {
  std::vector<std::string> events;
  billet::cli::YamlStreamError failure;
  // A value, a key (in a List's entry, which other threads read ahead) and a comment.
  for (int workers : {1, 3}) {
    events.clear();
    std::istringstream in(
        "apiVersion: v1\nkind: List\nitems:\n- kind: C  # caf\xe9\n  d\xe9: \"x\xe2\x82\"\n"
        "  e: caf\xe9\n");
    REQUIRE(billet::cli::readYamlStream(in, billet::cli::testing::recordEvents(events), failure,
                                        workers));
    CHECK(events ==
          std::vector<std::string>{"item@4 {\"kind\":\"C\",\"d\xef\xbf\xbd\":\"x\xef\xbf\xbd\","
                                   "\"e\":\"caf\xef\xbf\xbd\"}",
                                   "list@1"});
  }
}
