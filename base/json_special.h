// The search both directions of JSON strings share (json/scan.cc reading them, base/text.cc
// writing them): the first byte a JSON string cannot hold as it is.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billet::base {

// The first byte in [p, end) that is '"', '\\' or a control character, and with kNonAscii also
// any byte of 0x80 or above (a reader validates those as UTF-8; a writer copies them); `end` if
// none. Sixteen bytes at a time where SSE2 is there, then eight, then one by `special(byte)`,
// the caller's test of the same set (a table lookup costs the writer less than three compares):
// strings are mostly long plain runs, and this runs for every key and string of a review.
template <bool kNonAscii, typename Special>
inline const unsigned char* findJsonSpecial(const unsigned char* p, const unsigned char* end,
                                            Special special) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i low;
    if constexpr (kNonAscii) {
      // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches non-ASCII.
      low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    } else {
      // Unsigned "at most 0x1f": min(byte, 0x1f) is the byte itself.
      low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    }
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), low);
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const auto hasZeroByte = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    // Bytes >= 0x80 can make the control-character test report a false positive, which only
    // sends the search to the byte loop below.
    std::uint64_t hit = hasZeroByte(w ^ (kOnes * '"')) | hasZeroByte(w ^ (kOnes * '\\')) |
                        ((w - kOnes * 0x20) & ~w & kHighs);
    if constexpr (kNonAscii) hit |= w & kHighs;
    if (hit != 0) break;  // the byte loop below finds which byte, if any
    p += 8;
  }
  while (p < end && !special(*p)) ++p;
  return p;
}

}  // namespace billet::base
