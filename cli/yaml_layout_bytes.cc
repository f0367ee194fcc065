#include "cli/yaml_layout_bytes.h"

namespace billet::cli {

std::size_t nodeTextStart(std::size_t pos, const ByteAt& byteAt) {
  if (!byteAt) return pos;
  for (int c = byteAt(pos); c == '&' || c == '!'; c = byteAt(pos)) {
    while ((c = byteAt(pos)) >= 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r') ++pos;
    while ((c = byteAt(pos)) == ' ' || c == '\t' || c == '\n' || c == '\r') ++pos;
  }
  return pos;
}

namespace {

// Whether three `c` and then a blank or the end are at `pos`: a `---` or `...` marker.
bool markerAt(std::size_t pos, char c, const ByteAt& byteAt) {
  const int after = byteAt(pos + 3);
  return byteAt(pos) == c && byteAt(pos + 1) == c && byteAt(pos + 2) == c &&
         (after < 0 || after == ' ' || after == '\t' || after == '\n' || after == '\r');
}

}  // namespace

bool startsWithDashes(std::size_t pos, const ByteAt& byteAt) {
  return markerAt(pos, '-', byteAt);
}

bool followsIndicator(std::size_t at, const ByteAt& byteAt) {
  const int c = byteAt(at);
  if (c == '-' || c == '?') return true;
  if (c != ':') return false;
  while (at > 0 && byteAt(at - 1) == ' ') --at;
  return at == 0 || byteAt(at - 1) == '\n';
}

bool tabBefore(std::size_t pos, bool linesBefore, const ByteAt& byteAt) {
  // The node's own line, back to an indicator or the line's start.
  bool tab = false;
  for (int c; pos > 0 && ((c = byteAt(pos - 1)) == ' ' || c == '\t'); --pos) tab = tab || c == '\t';
  if (pos > 0 && byteAt(pos - 1) != '\n') return tab && followsIndicator(pos - 1, byteAt);
  if (!linesBefore) return false;
  // Lines before it: blank or a comment alone, then the line it follows.
  while (!tab && pos > 0) {
    const std::size_t end = pos - 1;  // the line break
    std::size_t start = end;
    while (start > 0 && byteAt(start - 1) >= 0 && byteAt(start - 1) != '\n') --start;
    if (start > 0 && byteAt(start - 1) < 0) return false;  // no longer in the window
    std::size_t text = start;
    for (int c; text < end && ((c = byteAt(text)) == ' ' || c == '\t'); ++text)
      tab = tab || c == '\t';
    if (text < end && byteAt(text) != '#' && byteAt(text) != '\r') {
      // The line it follows: where its text ends, before a comment and blanks.
      std::size_t last = text;
      for (std::size_t i = text; i < end; ++i) {
        const int c = byteAt(i);
        if (c == '#' && (byteAt(i - 1) == ' ' || byteAt(i - 1) == '\t')) break;
        if (c != ' ' && c != '\t' && c != '\r') last = i;
      }
      bool trailing = false;
      for (std::size_t i = last + 1; i < end; ++i) {
        const int c = byteAt(i);
        if (c == '#') break;
        trailing = trailing || c == '\t';
      }
      return trailing && followsIndicator(last, byteAt);
    }
    pos = start;
  }
  return tab;
}
std::optional<YAML::Mark> documentEndFirst(YAML::Mark from, bool restOfLine, const ByteAt& byteAt) {
  std::size_t pos = static_cast<std::size_t>(from.pos);
  int line = from.line;
  if (restOfLine) {
    for (int c = byteAt(pos); c >= 0 && c != '\n'; c = byteAt(++pos)) {
    }
    if (byteAt(pos) < 0) return std::nullopt;
    ++pos;
    ++line;
  }
  for (;;) {
    const std::size_t lineStart = pos;
    int c = byteAt(pos);
    while (c == ' ' || c == '\t' || c == '\r') c = byteAt(++pos);
    if (c == '#') {
      while (c >= 0 && c != '\n') c = byteAt(++pos);
    }
    if (c == '\n') {
      ++pos;
      ++line;
      continue;
    }
    if (pos != lineStart || !markerAt(pos, '.', byteAt)) return std::nullopt;
    YAML::Mark at;
    at.pos = static_cast<int>(pos);
    at.line = line;
    at.column = 0;
    return at;
  }
}

int directiveOpeningPiece(std::size_t dashes, const ByteAt& byteAt) {
  if (!byteAt) return 0;
  int back = 0, directive = 0;
  // `end` is the start of the line after the one looked at next.
  for (std::size_t end = dashes; end > 0;) {
    if (byteAt(end - 1) != '\n') return 0;  // not a line's start, or no longer in the window
    std::size_t start = end - 1;
    for (int c; start > 0 && (c = byteAt(start - 1)) != '\n'; --start)
      if (c < 0) return 0;
    ++back;
    std::size_t i = start;
    while (byteAt(i) == ' ' || byteAt(i) == '\t') ++i;
    const int first = byteAt(i);
    const int next = byteAt(start + 1);
    if (i == start && first == '%' &&
        ((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z'))) {
      directive = back;
    } else if (first == '#' || first == '\n' || first == '\r') {
      // a comment or a blank line
    } else {
      // Something else ends the lines looked at: a `---` line kubectl cuts away opens the piece;
      // anything else (a document, `...`, a `---` line first in the stream and so kept in its
      // piece) was before the directive in it.
      return startsWithDashes(start, byteAt) && start > 0 ? directive : 0;
    }
    end = start;
  }
  return directive;  // the start of the stream
}

std::optional<YAML::Mark> slashEscapeIn(const YAML::Mark& node, const ByteAt& byteAt) {
  if (!byteAt) return std::nullopt;
  YAML::Mark at = node;
  // Moves `at` over the byte at its position: a line feed starts a line, any other byte is a
  // column (yaml-cpp counts them so).
  auto step = [&at, &byteAt] {
    const int c = byteAt(static_cast<std::size_t>(at.pos));
    ++at.pos;
    if (c == '\n') {
      ++at.line;
      at.column = 0;
    } else {
      ++at.column;
    }
  };
  const std::size_t start = nodeTextStart(static_cast<std::size_t>(node.pos), byteAt);
  while (static_cast<std::size_t>(at.pos) < start) step();
  if (byteAt(start) != '"') return std::nullopt;
  step();
  for (;;) {
    const int c = byteAt(static_cast<std::size_t>(at.pos));
    if (c < 0 || c == '"') return std::nullopt;
    if (c == '\\') {
      if (byteAt(static_cast<std::size_t>(at.pos) + 1) == '/') return at;
      step();  // the escaped character, whatever it is, is not the closing quote
    }
    step();
  }
}

}  // namespace billet::cli
