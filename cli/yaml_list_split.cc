#include "cli/yaml_list_split.h"

namespace billet::cli {
namespace {

constexpr std::size_t kTextPieceBytes = 64u << 10;

// The line without its line break and trailing blanks.
std::string_view trimmed(std::string_view line) {
  while (!line.empty() &&
         (line.back() == '\n' || line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  return line;
}

// Bytes after which this splitter no longer knows what yaml-cpp will read: a carriage return
// anywhere but before the final '\n' (yaml-cpp counts it as a line break, so line numbers
// would no longer be this splitter's), or another control byte (yaml-cpp reads a NUL in the
// first four bytes as UTF-16 or UTF-32, and 0x04 as the end of its input).
bool hasUnplaceableBytes(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == '\r' && !(i + 2 == line.size() && line.back() == '\n')) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
  }
  return false;
}

// A byte-order mark of UTF-16 or UTF-32 at the start of the stream: yaml-cpp decodes it, and
// lines and pieces are no longer bytes.
bool startsWideBom(std::string_view line) {
  return line.size() >= 2 && ((static_cast<unsigned char>(line[0]) == 0xfe &&
                               static_cast<unsigned char>(line[1]) == 0xff) ||
                              (static_cast<unsigned char>(line[0]) == 0xff &&
                               static_cast<unsigned char>(line[1]) == 0xfe));
}

bool isBlank(std::string_view line) {
  return trimmed(line).find_first_not_of(' ') == std::string_view::npos;
}

bool isDocumentMarker(std::string_view line) {
  const std::string_view t = trimmed(line);
  return t == "---" || t == "...";
}

// `key: value` at column 0 with a key and a value that cannot start anything spanning lines
// (no quotes, flow collections, block scalars, anchors, tags): "apiVersion: v1".
bool isPlainKeyLine(std::string_view line) {
  const std::string_view t = trimmed(line);
  std::size_t i = 0;
  auto keyChar = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '/' || c == '-';
  };
  while (i < t.size() && keyChar(t[i])) ++i;
  if (i == 0 || i >= t.size() || t[i] != ':') return false;
  ++i;
  if (i == t.size()) return true;  // "key:" (what follows decides; an indented line is not plain)
  if (t[i] != ' ') return false;
  for (++i; i < t.size(); ++i)
    if (!keyChar(t[i]) && t[i] != ' ' && t[i] != ':') return false;
  return true;
}

// "- " and something on the same line: a column-0 sequence entry as kubectl prints it.
bool isEntryStart(std::string_view line) {
  return line.size() > 2 && line[0] == '-' && line[1] == ' ' && line[2] != ' ' && line[2] != '\n' &&
         line[2] != '\r' && line[2] != '\t';
}

// Belongs to the entry above it: indented, blank, or a column-0 comment.
bool continuesEntry(std::string_view line) {
  return line.empty() || line[0] == ' ' || line[0] == '#' || isBlank(line);
}

std::size_t indentOf(std::string_view line) {
  const std::size_t i = line.find_first_not_of(' ');
  return i == std::string_view::npos ? line.size() : i;
}

bool isIndicator(char c) {
  return std::string_view("-?:,[]{}#&*!|>'\"%@`").find(c) != std::string_view::npos;
}

// Where the quoted scalar opened by `quote` closes in `s`, scanning from `from`: the position of
// its closing quote, or npos when it runs on past the line ('' is a quote in single quotes; a
// backslash escapes the next byte in double quotes, and one at the end escapes the line break).
std::size_t closingQuote(std::string_view s, std::size_t from, char quote) {
  for (std::size_t i = from; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] != quote) continue;
    if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
      ++i;
      continue;
    }
    return i;
  }
  return std::string_view::npos;
}

// A scalar that the line closes: plain (not starting with an indicator), quoted with its
// closing quote last, or a flow collection closed on the line.
bool isClosedValue(std::string_view v) {
  if (v.empty()) return false;
  const char c = v.front();
  if (c == '\'' || c == '"') return v.size() >= 2 && closingQuote(v, 1, c) == v.size() - 1;
  if (c == '[' || c == '{') {
    const char close = c == '[' ? ']' : '}';
    return v.back() == close && v.find_first_of("'\"#", 0) == std::string_view::npos &&
           v.substr(1).find_first_of("[{") == std::string_view::npos &&
           v.find(close) == v.size() - 1;
  }
  return !isIndicator(c) || ((c == '-' || c == '?' || c == ':') && v.size() > 1 && v[1] != ' ');
}

// A value that starts a quoted scalar the line does not close (kubectl wraps long strings at
// about 80 columns: `message: 'the first words` and the rest on the lines below).
bool opensQuote(std::string_view v) {
  return !v.empty() && (v[0] == '\'' || v[0] == '"') &&
         closingQuote(v, 1, v[0]) == std::string_view::npos;
}

// A plain scalar, which more indented lines after it continue (kubectl's wrapped strings).
bool isPlainValue(std::string_view v) {
  return isClosedValue(v) && v[0] != '\'' && v[0] != '"' && v[0] != '[' && v[0] != '{';
}

// A line continuing a plain scalar as this splitter can be sure of it: text that cannot be read
// as a key, a comment or a collection (no ": ", no " #", no final ':', no indicator first).
bool continuesPlain(std::string_view content) {
  return !content.empty() && !isIndicator(content[0]) &&
         content.find(": ") == std::string_view::npos &&
         content.find(" #") == std::string_view::npos && content.back() != ':';
}

// A block scalar's header value: `|`, `>-`, `|+2`.
bool isBlockHeader(std::string_view v) {
  return !v.empty() && (v[0] == '|' || v[0] == '>') && v.size() <= 3 &&
         v.find_first_not_of("|>+-123456789", 1) == std::string_view::npos;
}

// Whether an entry reads the same alone as in its List: every line with content is a block
// scalar's content, `key: value`, `key:` or `- value`, or the continuation of a scalar that one
// of these started: a quoted one until it closes (nothing after it on that line), a plain one
// on more indented lines that could not be read otherwise (continuesPlain). Flow collections are
// closed on their line; no anchor, tag or complex key. yaml-cpp is lenient with some invalid
// text (a plain scalar alone on a line, read as a key over several lines) and, reading it, looks
// past the entry: whether it fails then depends on the lines after. So an entry with any such
// line, or a quoted scalar still open at its end, is read in place.
bool readsAlone(std::string_view text) {
  std::size_t blockIndent = std::string_view::npos;  // inside a block scalar deeper than this
  std::size_t plainIndent = std::string_view::npos;  // after a plain scalar: continued deeper
  char quote = 0;                                    // inside a quoted scalar opened above
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view line = trimmed(text.substr(at, end - at));
    at = end;
    const std::size_t indent = indentOf(line);
    if (quote != 0) {
      if (indent == line.size()) continue;  // a blank line inside it
      if (indent == 0) return false;        // at column 0: not a continuation kubectl writes
      const std::size_t close = closingQuote(line, indent, quote);
      if (close == std::string_view::npos) continue;
      if (close + 1 != line.size()) return false;  // something after it
      quote = 0;
      continue;
    }
    if (indent == line.size()) continue;                                          // blank
    if (blockIndent != std::string_view::npos && indent > blockIndent) continue;  // content
    blockIndent = std::string_view::npos;
    if (plainIndent != std::string_view::npos && indent > plainIndent) {
      if (!continuesPlain(line.substr(indent))) return false;
      continue;
    }
    plainIndent = std::string_view::npos;
    if (line[indent] == '#') continue;  // a comment
    std::string_view rest = line.substr(indent);
    std::size_t nodeIndent = indent;  // where the node on this line starts
    bool item = false;
    while (rest.size() >= 2 && rest[0] == '-' && rest[1] == ' ') {
      rest.remove_prefix(2);
      nodeIndent += 2;
      item = true;
    }
    if (rest.empty()) return false;
    if (rest.find(" #") != std::string_view::npos) return false;
    // The key: quoted (closed before its colon) or plain (up to ": ", or a final ':').
    std::size_t colon = std::string_view::npos;
    if (rest[0] == '"' || rest[0] == '\'') {
      const std::size_t close = rest.find(rest[0], 1);
      if (close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ':' &&
          rest.substr(1, close - 1).find('\\') == std::string_view::npos &&
          (close + 2 == rest.size() || rest[close + 2] == ' '))
        colon = close + 1;
    } else if (!isIndicator(rest[0]) || (rest[0] == '-' && rest.size() > 1 && rest[1] != ' ')) {
      colon = rest.find(": ");
      if (colon == std::string_view::npos && rest.back() == ':') colon = rest.size() - 1;
    }
    std::string_view value = rest;  // a sequence entry's scalar, when there is no key
    std::size_t parent = nodeIndent - 2;
    if (colon != std::string_view::npos) {
      value = rest.substr(colon + 1);
      while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
      if (value.empty()) continue;  // `key:`: its value is on the lines after
      parent = nodeIndent;
    } else if (!item) {
      return false;  // a line this reader does not place
    }
    if (isBlockHeader(value)) {
      blockIndent = parent;
    } else if (opensQuote(value)) {
      quote = value[0];
    } else if (!isClosedValue(value)) {
      return false;
    } else if (value[0] != '\'' && value[0] != '"') {
      // `a: b: c`, `a: {b: c}`: read in place (a quoted value may hold ": ", as messages do).
      if ((colon != std::string_view::npos || isPlainValue(value)) &&
          value.find(": ") != std::string_view::npos)
        return false;
      if (isPlainValue(value)) plainIndent = parent;
    }
  }
  return quote == 0;
}

}  // namespace

void YamlListSplitter::flush(std::vector<YamlPiece>& out) {
  if (current_.lines > 0) out.push_back(std::move(current_));
  current_ = YamlPiece{};
}

void YamlListSplitter::append(std::string_view line, bool entry, std::vector<YamlPiece>& out) {
  if (current_.lines > 0 &&
      (current_.entry != entry || (!entry && current_.text.size() >= kTextPieceBytes)))
    flush(out);
  if (current_.lines == 0) {
    current_.entry = entry;
    current_.line = nextLine_;
  }
  current_.text.append(line);
  ++current_.lines;
  ++nextLine_;
}

// From here to the end of the stream, everything is text; so is an unfinished entry, which may
// continue past this line.
void YamlListSplitter::toText() {
  state_ = State::kText;
  current_.entry = false;
}

// A document marker line: the next document starts with it, in a piece of its own.
void YamlListSplitter::startDocument(std::string_view line, std::vector<YamlPiece>& out) {
  flush(out);
  state_ = State::kPreamble;
  append(line, false, out);
  current_.documentStart = true;
}

void YamlListSplitter::feed(std::string_view line, std::vector<YamlPiece>& out) {
  if (state_ != State::kText &&
      (hasUnplaceableBytes(line) || (nextLine_ == 1 && startsWideBom(line))))
    toText();
  switch (state_) {
    case State::kText:
      append(line, false, out);
      return;
    case State::kPreamble:
      if (isDocumentMarker(line)) {
        startDocument(line, out);
        return;
      }
      if (trimmed(line) == "items:") {
        state_ = State::kItems;
      } else if (!(isBlank(line) || line[0] == '#' || isPlainKeyLine(line))) {
        state_ = State::kTail;
      }
      append(line, false, out);
      return;
    case State::kTail:  // the rest of a document that is not (or no longer) a List's entries
      if (isDocumentMarker(line)) {
        startDocument(line, out);
        return;
      }
      append(line, false, out);
      return;
    case State::kItems:
    case State::kEntry:
      if (isEntryStart(line)) {
        if (current_.entry) {
          current_.follow = line;  // the line that closes it
          if (!readsAlone(current_.text)) {
            // It may run on into this line and past it: the rest of the document is read in place.
            current_.entry = false;
            state_ = State::kTail;
            append(line, false, out);
            return;
          }
        }
        flush(out);
        state_ = State::kEntry;
        append(line, true, out);
        return;
      }
      if (state_ == State::kEntry && continuesEntry(line)) {
        append(line, true, out);
        if (current_.text.size() > kMaxEntryBytes) toText();
        return;
      }
      if (state_ == State::kItems && (isBlank(line) || line[0] == '#')) {
        append(line, false, out);
        return;
      }
      // The sequence ends. The entry before is read in place: yaml-cpp closes a quoted scalar
      // left open at the end of its input, so read alone before `kind: List` it could not tell
      // that the entry runs on; before another entry, it can (parseListEntry).
      current_.entry = false;
      if (isDocumentMarker(line)) {
        startDocument(line, out);
      } else if (isPlainKeyLine(line)) {
        state_ = State::kTail;  // `kind: List`: the rest of the document is text
        append(line, false, out);
      } else {
        // Something this splitter does not place ("-" alone, a tab, an indented first entry, a
        // plain scalar at column 0).
        toText();
        append(line, false, out);
      }
      return;
  }
}

void YamlListSplitter::finish(std::vector<YamlPiece>& out) {
  if (current_.entry && !readsAlone(current_.text)) current_.entry = false;
  flush(out);
}

void YamlListSplitter::abandon(std::vector<YamlPiece>& out) {
  toText();
  flush(out);
}

}  // namespace billet::cli
