#include "json/base64.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

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

// Groups are encoded from the last to the first: group k's four characters land at 4k, at or past
// its own three bytes at 3k and past every earlier group's bytes, so nothing is read after it is
// overwritten.
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
  static_assert(std::endian::native == std::endian::little, "the word loop reads little-endian");
  // Each group is read as one 32-bit word (its fourth byte, unused, is still inside the string:
  // past the last group come the tail's or the output's characters) and written as one.
  while (groups > 0) {
    --groups;
    std::uint32_t word;
    std::memcpy(&word, d + groups * 3, 4);
    const std::uint32_t v = __builtin_bswap32(word) >> 8;  // the three bytes, big-endian
    const std::uint32_t out = std::uint32_t{kLetters[v >> 18]} |
                              std::uint32_t{kLetters[(v >> 12) & 63]} << 8 |
                              std::uint32_t{kLetters[(v >> 6) & 63]} << 16 |
                              std::uint32_t{kLetters[v & 63]} << 24;
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
