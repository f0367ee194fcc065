#include "json/base64.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <tmmintrin.h>
#define BILLET_BASE64_SSSE3 1
#endif

namespace billet::json {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> makeDecodeTable() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr std::array<std::int8_t, 256> kDecode = makeDecodeTable();
// The alphabet as bytes, for the encoder's word-at-a-time loop.
constexpr std::array<std::uint8_t, 64> kLetters = [] {
  std::array<std::uint8_t, 64> t{};
  for (int i = 0; i < 64; ++i) t[i] = static_cast<std::uint8_t>(kAlphabet[i]);
  return t;
}();

}  // namespace

std::string base64Encode(std::string_view bytes) {
  // Sized once and written by index: this runs on every patched admission response.
  std::string out((bytes.size() + 2) / 3 * 4, '=');
  char* o = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3, o += 4) {
    const std::uint32_t n =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    o[0] = kAlphabet[(n >> 18) & 63];
    o[1] = kAlphabet[(n >> 12) & 63];
    o[2] = kAlphabet[(n >> 6) & 63];
    o[3] = kAlphabet[n & 63];
  }
  const std::size_t left = bytes.size() - i;
  if (left > 0) {  // the tail keeps its '=' padding
    std::uint32_t n = std::uint32_t{in[i]} << 16;
    if (left == 2) n |= std::uint32_t{in[i + 1]} << 8;
    o[0] = kAlphabet[(n >> 18) & 63];
    o[1] = kAlphabet[(n >> 12) & 63];
    if (left == 2) o[2] = kAlphabet[(n >> 6) & 63];
  }
  return out;
}

namespace {

#if BILLET_BASE64_SSSE3
// Sixteen characters from twelve bytes (the four bytes after them are loaded and ignored), with
// SSSE3's byte shuffle: each group's three bytes are spread over a 32-bit lane, its four 6-bit
// values moved to one byte each by multiplies of 16-bit halves, and each value mapped to its
// letter by adding an offset chosen by the value's range (A–Z, a–z, 0–9, '+', '/').
[[gnu::target("ssse3")]] inline void encodeTwelve(const unsigned char* in, unsigned char* out) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  // Lane k holds group k's bytes b0 b1 b2 as b1 b0 b2 b1: its 16-bit halves are b0b1 and b1b2.
  v = _mm_shuffle_epi8(v, _mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10));
  // The first and third values (bits 10–15 of b0b1, bits 6–11 of b1b2) shifted down to the
  // low byte of their half; the second and fourth (bits 4–9, bits 0–5) up to the high byte.
  const __m128i firstThird =
      _mm_mulhi_epu16(_mm_and_si128(v, _mm_set1_epi32(0x0FC0FC00)), _mm_set1_epi32(0x04000040));
  const __m128i secondFourth =
      _mm_mullo_epi16(_mm_and_si128(v, _mm_set1_epi32(0x003F03F0)), _mm_set1_epi32(0x01000010));
  const __m128i values = _mm_or_si128(firstThird, secondFourth);
  // Range index: 0 for 26–51, 1–10 for 52–61, 11 for 62, 12 for 63, 13 for 0–25; the table
  // gives what each range adds to the value.
  __m128i range = _mm_subs_epu8(values, _mm_set1_epi8(51));
  const __m128i below26 = _mm_cmpgt_epi8(_mm_set1_epi8(26), values);
  range = _mm_or_si128(range, _mm_and_si128(below26, _mm_set1_epi8(13)));
  const __m128i offsets =
      _mm_setr_epi8('a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                    '0' - 52, '0' - 52, '0' - 52, '+' - 62, '/' - 63, 'A', 0, 0);
  const __m128i letters = _mm_add_epi8(values, _mm_shuffle_epi8(offsets, range));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), letters);
}

// Encodes the highest groups four at a time, from the last, as base64EncodeTail's word loop does
// one at a time; returns how many are left at the front (fewer than four) for that loop.
[[gnu::target("ssse3")]] std::size_t encodeGroupsSsse3(unsigned char* d, std::size_t groups) {
  while (groups >= 4) {
    groups -= 4;
    encodeTwelve(d + groups * 3, d + groups * 4);
  }
  return groups;
}

bool hasSsse3() {
  static const bool has = __builtin_cpu_supports("ssse3");
  return has;
}
#endif

}  // namespace

// Groups are encoded from the last to the first: group k's four characters land at 4k, at or past
// its own three bytes at 3k and past every earlier group's bytes, so nothing is read after it is
// overwritten. The same holds for four groups at once: their sixteen characters land at 4k, past
// the sixteen bytes read at 3k when k >= 4, and the last four groups read at most four bytes
// past their twelve, which are still inside the string (the tail's or the output's characters).
void base64EncodeTail(std::string& s, std::size_t from) {
  const std::size_t n = s.size() - from;
  s.resize(from + (n + 2) / 3 * 4);
  auto* d = reinterpret_cast<unsigned char*>(s.data() + from);
  std::size_t groups = n / 3;
  if (const std::size_t left = n - groups * 3; left > 0) {  // the tail, with '=' padding
    std::uint32_t v = std::uint32_t{d[groups * 3]} << 16;
    if (left == 2) v |= std::uint32_t{d[groups * 3 + 1]} << 8;
    unsigned char* o = d + groups * 4;
    o[0] = kAlphabet[(v >> 18) & 63];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = left == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    o[3] = '=';
  }
#if BILLET_BASE64_SSSE3
  if (groups >= 4 && hasSsse3()) groups = encodeGroupsSsse3(d, groups);
#endif
  static_assert(std::endian::native == std::endian::little, "the word loop reads little-endian");
  // Each group is read as one 32-bit word (its fourth byte, unused, is still inside the string:
  // past the last group come the tail's or the output's characters) and written as one.
  while (groups > 0) {
    --groups;
    std::uint32_t word;
    std::memcpy(&word, d + groups * 3, 4);
    const std::uint32_t v = __builtin_bswap32(word) >> 8;  // the three bytes, big-endian
    const std::uint32_t out =
        std::uint32_t{kLetters[v >> 18]} | std::uint32_t{kLetters[(v >> 12) & 63]} << 8 |
        std::uint32_t{kLetters[(v >> 6) & 63]} << 16 | std::uint32_t{kLetters[v & 63]} << 24;
    std::memcpy(d + groups * 4, &out, 4);
  }
}

// Strict: the length must be a multiple of four, padding may only end the text (at most two
// '='), and no whitespace or characters outside the standard alphabet are accepted. Unused bits
// in the last group are ignored, as Go's base64.StdEncoding does.
std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    if (last) {
      if (text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    }
    std::uint32_t n = 0;
    for (int k = 0; k < 4 - pad; ++k) {
      const std::int8_t d =
          kDecode[static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)])];
      if (d < 0) return std::nullopt;
      n |= static_cast<std::uint32_t>(d) << (18 - 6 * k);
    }
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

}  // namespace billet::json
