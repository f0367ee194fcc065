#include "cli/json_sequence.h"

namespace billet::cli {
namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::size_t skipJsonBlanks(std::string_view text, std::size_t i) {
  while (i < text.size() && blank(text[i])) ++i;
  return i;
}

std::size_t jsonValueEnd(std::string_view text, std::size_t start) {
  if (start >= text.size() || (text[start] != '{' && text[start] != '['))
    return std::string_view::npos;
  std::size_t depth = 0;
  bool inString = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;  // the escaped character, whatever it is
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return std::string_view::npos;
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace billet::cli
