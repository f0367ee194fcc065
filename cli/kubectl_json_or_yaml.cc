#include "cli/kubectl_json_or_yaml.h"

#include <cstdint>

#include "base/utf8.h"

namespace billet::cli {

bool isGoSpace(std::uint32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool startsLikeJson(std::string_view head) {
  if (head.size() > kJsonSniffBytes) head = head.substr(0, kJsonSniffBytes);
  for (std::size_t i = 0; i < head.size();) {
    // A character cut short by the end of what was looked at, or not UTF-8: Go reads U+FFFD,
    // which is no space.
    const base::Utf8Char c = base::decodeUtf8(head, i);
    if (c.size == 0 || !isGoSpace(c.cp)) return head[i] == '{';
    i += c.size;
  }
  return false;
}

std::optional<std::size_t> yamlStartAfterJson(std::string_view text, std::size_t from) {
  std::size_t i = from;
  while (i < text.size()) {
    // kubectl reads four bytes at a time here, and stops at the end of the input when fewer are
    // left: what came after the JSON is then not read as YAML at all.
    if (text.size() - i < 4) return std::nullopt;
    const base::Utf8Char c = base::decodeUtf8(text, i);
    if (c.size == 0) return std::nullopt;
    if (!isGoSpace(c.cp)) break;
    i += c.size;
    if (c.cp == '\n') break;
  }
  return i;
}

}  // namespace billet::cli
