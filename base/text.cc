#include "base/text.h"

namespace billet::base {

void appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
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

}  // namespace billet::base
