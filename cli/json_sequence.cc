#include "cli/json_sequence.h"

namespace billet::cli {
namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The end of the object or array starting at `start`, or npos when the text ends first.
std::size_t valueEnd(std::string_view text, std::size_t start) {
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

}  // namespace

std::vector<JsonPiece> splitJsonSequence(std::string_view text) {
  std::vector<JsonPiece> pieces;
  std::size_t i = 0;
  for (;;) {
    while (i < text.size() && blank(text[i])) ++i;
    if (i == text.size()) break;
    if (text[i] != '{' && text[i] != '[') return {};
    const std::size_t end = valueEnd(text, i);
    if (end == std::string_view::npos) return {};
    pieces.push_back({i, text.substr(i, end - i)});
    i = end;
  }
  if (pieces.size() < 2) return {};
  return pieces;
}

}  // namespace billet::cli
