// Key equality for member lookups (json::Value::find, the diff's member index): most calls
// compare short keys ("metadata", "containers"), where a call to memcmp costs more than the
// comparison. Keys of 4 bytes or more are compared as words, the last one overlapping, never
// reading outside either key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace billet::json::detail {

inline bool sameBytes(const char* x, const char* y, std::size_t n) {
  const auto word64 = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  const auto word32 = [](const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
  };
  if (n >= 8) {
    // Longer keys a word at a time, the last word overlapping: no call, so that a lookup's loop
    // needs no saved registers.
    for (std::size_t i = 0; i + 8 < n; i += 8)
      if (word64(x + i) != word64(y + i)) return false;
    return word64(x + n - 8) == word64(y + n - 8);
  }
  if (n >= 4) return ((word32(x) ^ word32(y)) | (word32(x + n - 4) ^ word32(y + n - 4))) == 0;
  if (n == 0) return true;
  // 1 to 3 bytes: the first, the middle and the last cover them.
  return x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1];
}

inline bool sameKey(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sameBytes(a.data(), b.data(), a.size());
}

}  // namespace billet::json::detail
