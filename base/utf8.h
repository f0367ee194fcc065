// What text must be before a YAML reader sees it. yaml-cpp passes bytes that are not UTF-8 (and
// control characters) through into scalars; kubectl's reader refuses them, so billet does too,
// naming where they are, rather than load a policy or lint a manifest the cluster would refuse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace billet::base {

struct TextFault {
  std::size_t at = 0;   // byte offset of the offending character in the text
  std::string message;  // one line: "byte 0x98 is not UTF-8", "control character U+0001 ..."
};

// The character at text[at]: its code point and the length of its UTF-8 sequence, or size 0
// when the bytes there are not one (RFC 3629: no overlong form, no surrogate, nothing past
// U+10FFFF, nothing cut short). ASCII is a character of size 1.
struct Utf8Char {
  std::uint32_t cp = 0;
  std::size_t size = 0;
};
Utf8Char decodeUtf8(std::string_view text, std::size_t at);

// The first place `text` is not UTF-8 (an invalid, overlong, surrogate or cut-short sequence).
std::optional<TextFault> findInvalidUtf8(std::string_view text);

// Where no character starts at text[at]: how many bytes there one U+FFFD stands for when text is
// read with replacement, as kubectl reads its inputs (a UTF-8 decoder that follows Unicode's
// "maximal subpart" practice, as the WHATWG Encoding Standard does): the longest start of a valid
// sequence there, at least the byte itself. `E2 82` cut short is one U+FFFD; the overlong
// `C0 AF` two; the surrogate `ED A0 80` three. 0 when a character starts at text[at].
std::size_t invalidUtf8Length(std::string_view text, std::size_t at);

// Appends the UTF-8 of code point `cp` (at most U+10FFFF, not a surrogate) to `out`.
inline void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {
    const char b[3] = {static_cast<char>(0xE0 | (cp >> 12)),
                       static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    const char b[4] = {
        static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

// The UTF-8 of U+FFFD, which stands for what invalidUtf8Length() measures.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// The first character `text` may not hold as a YAML stream: not UTF-8, or outside YAML 1.2's
// printable set (§5.1: tab, line feed, carriage return, U+0020–U+007E, U+0085, U+00A0–U+D7FF,
// U+E000–U+FFFD, U+10000–U+10FFFF), which is the set kubectl's reader accepts.
std::optional<TextFault> findUnprintableYaml(std::string_view text);

// Whether `text` starts with a UTF-16 or UTF-32 byte order mark: YAML in those encodings is
// yaml-cpp's to decode (kubectl reads UTF-16 too), and its bytes are not checked as UTF-8.
bool startsWithWideBom(std::string_view text);

// The message for a character outside YAML's printable set: "control character U+0001 is not
// allowed in YAML".
std::string unprintableInYaml(std::uint32_t codePoint);

// 1-based line and column (in bytes) of the byte at `at`.
struct LineColumn {
  int line = 1;
  int column = 1;
};
LineColumn lineColumnAt(std::string_view text, std::size_t at);

}  // namespace billet::base
