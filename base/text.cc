#include "base/text.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "base/json_special.h"

namespace billet::base {

namespace {

// For each byte: 0 = copied as-is, otherwise the character after the backslash ('u' = \u00XX).
constexpr std::array<char, 256> makeEscapeTable() {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 'u';
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}
constexpr std::array<char, 256> kEscape = makeEscapeTable();

// The first byte in [p, end) that needs escaping; `end` if none.
inline const char* findEscape(const char* p, const char* const end) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const auto* hit = base::findJsonSpecial<false>(u, reinterpret_cast<const unsigned char*>(end),
                                                 [](unsigned char c) { return kEscape[c] != 0; });
  return p + (hit - u);
}

}  // namespace

char* writeJsonString(std::string_view s, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  const char* p = s.data();
  const char* const end = p + s.size();
  for (;;) {
    const char* const hit = findEscape(p, end);
    std::memcpy(out, p, static_cast<std::size_t>(hit - p));
    out += hit - p;
    if (hit == end) break;
    const char e = kEscape[static_cast<unsigned char>(*hit)];
    *out++ = '\\';
    *out++ = e;
    if (e == 'u') {
      const auto c = static_cast<unsigned char>(*hit);
      *out++ = '0';
      *out++ = '0';
      *out++ = kHex[c >> 4];
      *out++ = kHex[c & 15];
    }
    p = hit + 1;
  }
  *out++ = '"';
  return out;
}

void appendJsonString(std::string& out, std::string_view s) {
  const std::size_t used = out.size();
  out.resize(used + kJsonStringWorstCase * s.size() + 2);
  char* end = writeJsonString(s, out.data() + used);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

std::string truncated(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  static constexpr std::string_view kEllipsis = "\xe2\x80\xa6";  // …
  std::size_t cut = max - kEllipsis.size();
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  std::string out(s.substr(0, cut));
  out += kEllipsis;
  return out;
}

std::string oneLine(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string indentTail(std::string_view text, int n) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  // Line by line: lint writes every result through here.
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) {
      out.append(text, at);
      break;
    }
    out.append(text, at, end + 1 - at);
    out.append(static_cast<std::size_t>(n), ' ');
    at = end + 1;
  }
  return out;
}

}  // namespace billet::base
