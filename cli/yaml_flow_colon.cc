#include "cli/yaml_flow_colon.h"

#include <string>

#include "cli/yaml_layout_bytes.h"

namespace billet::cli {

std::optional<std::string> colonClosedPlainScalar(std::string_view read, std::size_t pos,
                                                  const ByteAt& byteAt) {
  if (!byteAt || read.empty()) return std::nullopt;
  const std::size_t start = nodeTextStart(pos, byteAt);
  const int first = byteAt(start);
  if (first == '\'' || first == '"') return std::nullopt;  // quoted: a `:` after it is an indicator
  std::size_t end = start + read.size();
  std::string text(read);
  for (int c = byteAt(end); c == ' ' || c == '\t'; c = byteAt(++end)) text += static_cast<char>(c);
  if (byteAt(end) != ':') return std::nullopt;
  const int next = byteAt(end + 1);
  if (next != ',' && next != ']' && next != '}') return std::nullopt;
  text += ':';
  return text;
}

}  // namespace billet::cli
