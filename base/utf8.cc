#include "base/utf8.h"

#include <cstdint>
#include <cstdio>

namespace billet::base {
namespace {

bool printable(std::uint32_t cp) {
  return cp == 0x09 || cp == 0x0a || cp == 0x0d || (cp >= 0x20 && cp <= 0x7e) || cp == 0x85 ||
         (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
         (cp >= 0x10000 && cp <= 0x10ffff);
}

TextFault notUtf8(std::string_view text, std::size_t at) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[at]));
  return {at, std::string("byte ") + hex + " is not UTF-8"};
}

template <bool kPrintableOnly>
std::optional<TextFault> scan(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto c = static_cast<unsigned char>(text[at]);
    // ASCII is most of every file; only its control characters need a second look.
    if (c >= 0x20 && c < 0x7f) {
      ++at;
      continue;
    }
    const Utf8Char d = decodeUtf8(text, at);
    if (d.size == 0) return notUtf8(text, at);
    if (kPrintableOnly && !printable(d.cp)) return TextFault{at, unprintableInYaml(d.cp)};
    at += d.size;
  }
  return std::nullopt;
}

}  // namespace

Utf8Char decodeUtf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) -> unsigned {
    return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0u;
  };
  const auto continuation = [&](std::size_t i, unsigned low = 0x80, unsigned high = 0xbf) {
    const unsigned b = byte(i);
    return at + i < text.size() && b >= low && b <= high;
  };
  if (at >= text.size()) return {};
  const unsigned b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    if (!continuation(1)) return {};
    return {((b0 & 0x1fu) << 6) | (byte(1) & 0x3fu), 2};
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const unsigned low = b0 == 0xe0 ? 0xa0 : 0x80;   // not overlong
    const unsigned high = b0 == 0xed ? 0x9f : 0xbf;  // not a surrogate
    if (!continuation(1, low, high) || !continuation(2)) return {};
    return {((b0 & 0x0fu) << 12) | ((byte(1) & 0x3fu) << 6) | (byte(2) & 0x3fu), 3};
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const unsigned low = b0 == 0xf0 ? 0x90 : 0x80;   // not overlong
    const unsigned high = b0 == 0xf4 ? 0x8f : 0xbf;  // not past U+10FFFF
    if (!continuation(1, low, high) || !continuation(2) || !continuation(3)) return {};
    return {((b0 & 0x07u) << 18) | ((byte(1) & 0x3fu) << 12) | ((byte(2) & 0x3fu) << 6) |
                (byte(3) & 0x3fu),
            4};
  }
  return {};
}

std::size_t invalidUtf8Length(std::string_view text, std::size_t at) {
  if (at >= text.size() || decodeUtf8(text, at).size != 0) return 0;
  const auto b0 = static_cast<unsigned char>(text[at]);
  // The second byte's range after each lead (no overlong form, no surrogate, nothing past
  // U+10FFFF), and how many bytes the lead's sequence has; other bytes start nothing.
  unsigned low = 0x80, high = 0xbf;
  std::size_t size = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    size = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    size = 3;
    if (b0 == 0xe0) low = 0xa0;
    if (b0 == 0xed) high = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    size = 4;
    if (b0 == 0xf0) low = 0x90;
    if (b0 == 0xf4) high = 0x8f;
  } else {
    return 1;
  }
  std::size_t n = 1;
  for (; n < size && at + n < text.size(); ++n) {
    const auto b = static_cast<unsigned char>(text[at + n]);
    if (b < low || b > high) break;
    low = 0x80;
    high = 0xbf;
  }
  return n;  // fewer than `size`: the sequence is cut short or broken there
}

std::optional<TextFault> findInvalidUtf8(std::string_view text) {
  return scan<false>(text);
}

std::optional<TextFault> findUnprintableYaml(std::string_view text) {
  return scan<true>(text);
}

LineColumn lineColumnAt(std::string_view text, std::size_t at) {
  LineColumn lc;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

std::string unprintableInYaml(std::uint32_t codePoint) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(codePoint));
  return std::string("control character ") + name + " is not allowed in YAML";
}

bool startsWithWideBom(std::string_view text) {
  return text.starts_with("\xff\xfe") || text.starts_with("\xfe\xff") ||
         text.starts_with(std::string_view("\0\0\xfe\xff", 4));
}

}  // namespace billet::base
