// The UTF-8 and YAML-printable checks (base/utf8.h), against glibc's iconv as the oracle for what
// UTF-8 is, on every short sequence and on random text.
#include "base/utf8.h"

#include <iconv.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using billet::base::findInvalidUtf8;
using billet::base::findUnprintableYaml;
using billet::base::lineColumnAt;

namespace {

// Whether iconv reads `s` as UTF-8 to its end (the oracle).
bool iconvAccepts(const std::string& s) {
  static iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
  std::vector<char> out(4 * s.size() + 8);
  char* in = const_cast<char*>(s.data());
  std::size_t inLeft = s.size();
  char* o = out.data();
  std::size_t outLeft = out.size();
  const std::size_t r = iconv(cd, &in, &inLeft, &o, &outLeft);
  return r != static_cast<std::size_t>(-1) && inLeft == 0;
}

}  // namespace

TEST_CASE("findInvalidUtf8 agrees with iconv on every sequence of up to three bytes, and on four") {
  std::size_t checked = 0;
  auto check = [&](const std::string& s) {
    INFO("bytes of size " << s.size());
    REQUIRE(findInvalidUtf8(s).has_value() == !iconvAccepts(s));
    ++checked;
  };
  for (int a = 0; a < 256; ++a) {
    check(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      check(std::string{static_cast<char>(a), static_cast<char>(b)});
      if (a < 0xe0) continue;  // a third byte only after a lead byte that wants one
      for (int c = 0x70; c < 0xd0; ++c)
        check(std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
    }
  }
  // Four-byte leads with every second byte, continuation bytes after.
  for (int a = 0xf0; a < 0x100; ++a)
    for (int b = 0x70; b < 0xd0; ++b)
      check(std::string{static_cast<char>(a), static_cast<char>(b), '\x80', '\xbf'});
  REQUIRE(checked == 256 + 256 * 256 + 32 * 256 * 96 + 16 * 96);
}

TEST_CASE("findInvalidUtf8 agrees with iconv on random text, and names the first bad byte") {
  std::mt19937 rng(12);
  const std::vector<std::string> pieces = {"a",
                                           "key: value\n",
                                           "\xc3\xa9",
                                           "\xe2\x80\xa6",
                                           "\xf0\x9f\x9a\x80",
                                           "\x80",
                                           "\xc3",
                                           "\xed\xa0\x80",
                                           "\xf4\x90\x80\x80",
                                           "\xe0\x80\xaf",
                                           "\xff",
                                           "\t"};
  for (int i = 0; i < 20'000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    const auto fault = findInvalidUtf8(s);
    REQUIRE(fault.has_value() == !iconvAccepts(s));
    if (fault) {
      // Everything before the fault is UTF-8; the text from it is not.
      REQUIRE(iconvAccepts(s.substr(0, fault->at)));
      REQUIRE(!iconvAccepts(s.substr(fault->at)));
    }
  }
}

TEST_CASE("findInvalidUtf8 says which byte") {
  const auto fault = findInvalidUtf8("abc\x98uses");
  REQUIRE(fault.has_value());
  CHECK(fault->at == 3);
  CHECK(fault->message == "byte 0x98 is not UTF-8");
  CHECK(!findInvalidUtf8("plain \xe2\x80\xa6 text\x01").has_value());  // controls are UTF-8
}

TEST_CASE("findUnprintableYaml refuses what YAML's printable set leaves out") {
  CHECK(!findUnprintableYaml("a: b\r\n\tc: \xc2\x85 \xc2\xa0 \xef\xbb\xbf \xf0\x9f\x9a\x80\n"));
  struct Case {
    std::string text;
    std::size_t at;
    std::string message;
  };
  const std::vector<Case> cases = {
      {std::string("a: \x01", 4), 3, "control character U+0001 is not allowed in YAML"},
      {std::string("a\0b", 3), 1, "control character U+0000 is not allowed in YAML"},
      {"x\x7f", 1, "control character U+007F is not allowed in YAML"},
      {"x\xc2\x80", 1, "control character U+0080 is not allowed in YAML"},  // C1, not NEL
      {"x\xef\xbf\xbe", 1, "control character U+FFFE is not allowed in YAML"},
      {"x\xed\xa0\x80", 1, "byte 0xed is not UTF-8"},  // a surrogate
  };
  for (const Case& c : cases) {
    INFO(c.message);
    const auto fault = findUnprintableYaml(c.text);
    REQUIRE(fault.has_value());
    CHECK(fault->at == c.at);
    CHECK(fault->message == c.message);
  }
}

TEST_CASE("lineColumnAt counts lines and bytes from 1") {
  const std::string text = "ab\ncd\n\nxyz";
  CHECK(lineColumnAt(text, 0).line == 1);
  CHECK(lineColumnAt(text, 0).column == 1);
  CHECK(lineColumnAt(text, 4).line == 2);
  CHECK(lineColumnAt(text, 4).column == 2);
  CHECK(lineColumnAt(text, 8).line == 4);
  CHECK(lineColumnAt(text, 8).column == 2);
}

TEST_CASE("decodeUtf8 gives the code point and size, and nothing past the text") {
  const std::string text = "a\xc3\xa9\xe2\x80\xa6\xf0\x9f\x9a\x80\xff";
  struct Case {
    std::string_view text;
    std::size_t at;
    std::uint32_t cp;
    std::size_t size;
  };
  const std::string_view all(text);
  for (const Case& c : {Case{all, 0, 'a', 1}, Case{all, 1, 0xe9, 2}, Case{all, 3, 0x2026, 3},
                        Case{all, 6, 0x1f680, 4}, Case{all, 10, 0, 0},  // 0xff
                        Case{all, 2, 0, 0},                             // a continuation byte
                        Case{all, all.size(), 0, 0},                    // past the end
                        Case{all.substr(0, 5), 3, 0, 0}}) {             // cut short
    INFO("at " << c.at);
    const billet::base::Utf8Char d = billet::base::decodeUtf8(c.text, c.at);
    CHECK(d.size == c.size);
    if (c.size != 0) CHECK(d.cp == c.cp);
  }
}
