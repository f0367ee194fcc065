#include "base/text.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline std::uint64_t hasZeroByte(std::uint64_t x) {
  return (x - kOnes) & ~x & kHighs;
}

// Nonzero when any of the eight bytes may need escaping ('"', '\\', or below 0x20). Bytes >= 0x80
// can make it report a false positive, which only sends the caller to the byte-wise check.
inline std::uint64_t mayNeedEscape(std::uint64_t w) {
  return hasZeroByte(w ^ (kOnes * '"')) | hasZeroByte(w ^ (kOnes * '\\')) |
         ((w - kOnes * 0x20) & ~w & kHighs);
}

// The first byte in [p, end) that needs escaping; `end` if none. Sixteen bytes at a time where
// SSE2 is there (a webhook's messages and a patch's values are mostly long plain runs), then
// eight, then one.
inline const char* findEscape(const char* p, const char* const end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // A byte at most 0x1f, unsigned: min(byte, 0x1f) is the byte itself.
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if (mayNeedEscape(w)) break;  // the byte loop below finds which byte, if any
    p += 8;
  }
  while (p < end && kEscape[static_cast<unsigned char>(*p)] == 0) ++p;
  return p;
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
