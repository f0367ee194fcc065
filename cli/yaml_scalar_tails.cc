#include "cli/yaml_scalar_tails.h"

#include <algorithm>

#include "base/text.h"
#include "cli/yaml_layout_bytes.h"

namespace billet::cli {
namespace {

std::size_t trailingLineFeeds(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\n') ++n;
  return n;
}

// `read` with `missing` more line feeds, or nullopt when none are missing.
std::optional<std::string> withLineFeeds(std::string_view read, std::size_t missing) {
  if (missing == 0) return std::nullopt;
  std::string out(read);
  out.append(missing, '\n');
  return out;
}

// How many hex digits follow an escape that may stand for a line feed (`\x0a`, `\u000a`,
// `\U0000000a`); 0 for the others.
std::size_t hexDigitsOf(int escape) {
  switch (escape) {
    case 'x':
      return 2;
    case 'u':
      return 4;
    case 'U':
      return 8;
    default:
      return 0;
  }
}

// Whether the `digits` bytes at `i` are a hex number equal to 10.
bool hexIsLineFeed(std::size_t i, std::size_t digits, const ByteAt& at) {
  unsigned long value = 0;
  for (std::size_t d = 0; d < digits; ++d) {
    const int v = base::hexDigitValue(at(i + d));
    if (v < 0) return false;
    value = value * 16 + static_cast<unsigned long>(v);
  }
  return value == 10;
}

// A quoted scalar: yaml-cpp folds its lines as YAML does (a line break between two lines of text
// is a space, each blank line a line feed), then keeps at most one of the line feeds at its end
// that come after the last escape. The bytes give how many line feeds end the text when the
// closing quote stands on a line of its own: those of `\n` escapes and of blank lines, as far
// back as the last other character.
std::optional<std::string> quotedTail(std::string_view read, std::size_t pos, const ByteAt& at) {
  const int quote = at(pos);
  std::size_t feeds = 0;       // line feeds ending the text so far
  bool lineBlank = true;       // nothing but spaces and tabs so far on this line
  bool folding = false;        // a line break not folded yet (the lines after it are blank)
  bool escapedBreak = false;   // and it was escaped: it folds into nothing
  std::size_t blankLines = 0;  // blank lines since that line break
  auto text = [&] {            // the first character of a line with text
    if (folding) {
      if (blankLines > 0)
        feeds += blankLines;
      else if (!escapedBreak)
        feeds = 0;  // a space
    }
    folding = false;
    lineBlank = false;
  };
  for (std::size_t i = pos + 1;;) {
    const int c = at(i);
    if (c < 0) return std::nullopt;  // the window no longer holds it
    if (c == quote) {
      if (quote == '\'' && at(i + 1) == '\'') {  // `''`: a quote in the text
        text();
        feeds = 0;
        i += 2;
        continue;
      }
      break;
    }
    if (quote == '"' && c == '\\') {
      const int escape = at(i + 1);
      text();
      if (escape == '\n' || escape == '\r') {  // an escaped line break: it folds into nothing
        if (escape == '\r' && at(i + 2) != '\n') return std::nullopt;
        i += escape == '\r' ? 3 : 2;
        folding = escapedBreak = true;
        blankLines = 0;
        lineBlank = true;
        continue;
      }
      const std::size_t digits = hexDigitsOf(escape);
      feeds = escape == 'n' || (digits > 0 && hexIsLineFeed(i + 2, digits, at)) ? feeds + 1 : 0;
      i += 2 + digits;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r') {
        if (at(i + 1) != '\n') return std::nullopt;  // a lone CR: yaml-cpp's is no line break
        ++i;
      }
      if (folding) {
        ++blankLines;
      } else {
        folding = true;
        escapedBreak = false;
        blankLines = 0;
      }
      lineBlank = true;
      ++i;
      continue;
    }
    if (c != ' ' && c != '\t') {
      text();
      feeds = 0;
    }
    ++i;
  }
  // The closing quote alone on its line: the blank lines before it are line feeds, and the
  // spaces before it nothing. (Elsewhere, yaml-cpp's clipping removes nothing that YAML keeps.)
  if (!folding || !lineBlank) return std::nullopt;
  feeds += blankLines;
  const std::size_t kept = trailingLineFeeds(read);
  return withLineFeeds(read, kept < feeds ? feeds - kept : 0);
}

// One line of a block scalar: its leading spaces and what follows them.
struct BlockLine {
  std::size_t spaces = 0;
  bool empty = true;       // nothing after the spaces
  bool onlyBlanks = true;  // nothing after them but tabs (or nothing)
  bool broken = false;     // ends with a line break (not the end of the text)
  std::size_t next = 0;    // the position after it
};

BlockLine readBlockLine(std::size_t i, const ByteAt& at) {
  BlockLine line;
  while (at(i) == ' ') ++line.spaces, ++i;
  for (;; ++i) {
    const int c = at(i);
    if (c < 0) break;
    if (c == '\n' || (c == '\r' && at(i + 1) == '\n')) {
      line.broken = true;
      i += c == '\r' ? 2 : 1;
      break;
    }
    line.empty = false;
    if (c != '\t') line.onlyBlanks = false;
  }
  line.next = i;
  return line;
}

// A folded block scalar with `+`: its last line with text keeps its line break, and each blank
// line after it is one more. yaml-cpp folds the blank lines after a line as one break fewer (right
// between two lines of text) and, at the end, adds the one back only after a more indented line.
std::optional<std::string> foldedTail(std::string_view read, std::size_t pos, const ByteAt& at) {
  const std::size_t kept = trailingLineFeeds(read);
  if (kept == read.size()) return std::nullopt;  // no text: nothing was dropped
  std::size_t i = pos + 1;
  bool keep = false;
  for (;; ++i) {
    const int c = at(i);
    if (c == '+')
      keep = true;
    else if (c >= '1' && c <= '9')
      // The lines' indentation is then the parent's and this: where the text starts is not
      // enough to tell a blank line from one of spaces. Left as read (rare).
      return std::nullopt;
    else if (c != '-')
      break;
  }
  if (!keep) return std::nullopt;
  const BlockLine header = readBlockLine(i, at);
  if (!header.broken) return std::nullopt;
  // The lines' indentation, as yaml-cpp finds it: that of the first line with text, or of a
  // blank line before it with more spaces. The scalar has text, so that first line is its own.
  std::size_t indent = 0;
  bool found = false;
  std::size_t blanksAfterText = 0;
  bool lastTextBroken = false;
  for (std::size_t lineStart = header.next;;) {
    const BlockLine line = readBlockLine(lineStart, at);
    if (line.empty && !line.broken && line.spaces == 0) break;  // the end of the text
    if (!line.empty && line.onlyBlanks) return std::nullopt;    // tabs on a blank line
    if (!found) indent = std::max(indent, line.spaces);
    if (!line.empty) {
      if (line.spaces < indent) break;  // less indented: the scalar ended before it
      found = true;
    }
    if (!line.empty || (found && line.spaces > indent)) {  // text, or spaces more indented
      blanksAfterText = 0;
      lastTextBroken = line.broken;
    } else {
      if (!line.broken) return std::nullopt;  // spaces ending the text: left as read
      ++blanksAfterText;
    }
    if (!line.broken) break;
    lineStart = line.next;
  }
  if (!found || !lastTextBroken) return std::nullopt;
  const std::size_t want = 1 + blanksAfterText;
  return withLineFeeds(read, kept < want ? want - kept : 0);
}

}  // namespace

std::optional<std::string> restoreTrailingBreaks(std::string_view read, std::size_t pos,
                                                 const ByteAt& byteAt) {
  // Only a value that ends with a line feed, or an empty one, can have lost some.
  if (!byteAt || (!read.empty() && read.back() != '\n')) return std::nullopt;
  pos = nodeTextStart(pos, byteAt);
  switch (byteAt(pos)) {
    case '\'':
    case '"':
      return quotedTail(read, pos, byteAt);
    case '>':
      return foldedTail(read, pos, byteAt);
    default:
      return std::nullopt;
  }
}

}  // namespace billet::cli
