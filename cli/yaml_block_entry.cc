#include "cli/yaml_block_entry.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/text.h"
#include "base/utf8.h"
#include "cli/yaml_members.h"
#include "policy/yaml_scalar.h"

namespace billet::cli {
namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxKeyBytes = 1000;  // yaml-cpp takes simple keys of up to 1,024

struct Line {
  std::string_view raw;    // without its line break
  std::size_t indent = 0;  // leading spaces (raw.size() for a blank line)

  bool blank() const { return indent == raw.size(); }
  // From column `from` on, without trailing spaces.
  std::string_view from(std::size_t from) const {
    std::string_view s = raw.substr(from);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  }
  std::string_view content() const { return from(indent); }
};

bool isIndicator(char c) {
  return std::string_view("-?:,[]{}#&*!|>'\"%@`").find(c) != std::string_view::npos;
}

bool isEntryStart(std::string_view s) {
  return s == "-" || (s.size() >= 2 && s[0] == '-' && s[1] == ' ');
}

// A plain scalar on one line that yaml-cpp reads whole, as this text: no indicator first (but
// "-1"), no ": " or final ':' (a key), no '#' (a comment, after a space), no document marker.
bool isSimplePlain(std::string_view s) {
  if (s.empty()) return false;
  if (isIndicator(s[0]) && !(s[0] == '-' && s.size() > 1 && s[1] != ' ')) return false;
  if (s.find('#') != std::string_view::npos) return false;
  if (s.find(": ") != std::string_view::npos || s.back() == ':') return false;
  return s.substr(0, 3) != "---" && s.substr(0, 3) != "...";
}

// `count` hex digits at s[at..]; -1 when they are not.
long hexNumber(std::string_view s, std::size_t at, int count) {
  if (at + count > s.size()) return -1;
  long v = 0;
  for (int i = 0; i < count; ++i) {
    const int d = base::hexDigitValue(static_cast<unsigned char>(s[at + i]));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

enum class Quoted { kClosed, kOpen, kEscapedBreak, kOutside };

// Decodes the part of a quoted scalar (opened by `quote`) in s[from..] into `out`: up to its
// closing quote (kClosed; `after` is past it), or to the end of the line (kOpen, with the spaces
// before the line break dropped, as folding drops them; kEscapedBreak when a backslash escapes the
// line break). kOutside for an escape this reader does not take (\x above 0x7F, \U, \u of a
// surrogate, \N, \_, \L, \P, and \/, which kubectl refuses and the yaml-cpp reader refuses too).
Quoted decodeQuoted(std::string_view s, std::size_t from, char quote, std::string& out,
                    std::size_t& after) {
  std::size_t kept = out.size();  // what stays if the line ends here: not its trailing spaces
  for (std::size_t i = from; i < s.size(); ++i) {
    const char c = s[i];
    if (c == quote) {
      if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        out += '\'';
        kept = out.size();
        ++i;
        continue;
      }
      after = i + 1;
      return Quoted::kClosed;
    }
    if (quote == '\'' || c != '\\') {
      out += c;
      if (c != ' ') kept = out.size();
      continue;
    }
    if (++i == s.size()) return Quoted::kEscapedBreak;
    switch (s[i]) {
      case '"':
      case '\\':
      case ' ':
        out += s[i];
        break;
      case '0':
        out += '\0';
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'v':
        out += '\v';
        break;
      case 'f':
        out += '\f';
        break;
      case 'r':
        out += '\r';
        break;
      case 'e':
        out += '\x1b';
        break;
      case 'x': {
        const long v = hexNumber(s, i + 1, 2);
        if (v < 0 || v >= 0x80) return Quoted::kOutside;
        out += static_cast<char>(v);
        i += 2;
        break;
      }
      case 'u': {
        const long v = hexNumber(s, i + 1, 4);
        if (v < 0 || (v >= 0xD800 && v < 0xE000)) return Quoted::kOutside;
        base::appendUtf8(out, static_cast<std::uint32_t>(v));
        i += 4;
        break;
      }
      default:
        return Quoted::kOutside;
    }
    kept = out.size();
  }
  out.resize(kept);
  return Quoted::kOpen;
}

// A quoted scalar at the start of `s`, closed on the line: its text into `out`, and where it
// ends (past the closing quote) into `after`.
bool readQuoted(std::string_view s, std::string& out, std::size_t& after) {
  out.clear();
  return decodeQuoted(s, 1, s[0], out, after) == Quoted::kClosed;
}

// A line continuing a plain scalar, as this reader takes it: nothing that could start another
// node or a comment (the splitter's rule, with no '#' at all, as for one-line scalars).
bool continuesPlain(std::string_view s) {
  return !s.empty() && !isIndicator(s[0]) && s.find('#') == std::string_view::npos &&
         s.find(": ") == std::string_view::npos && s.back() != ':';
}

enum class Key { kNone, kKey, kOutside };

// Whether the node text `s` (trimmed, not empty) is a mapping's `key:` or `key: value`: the key
// (as a member name) into `key` and where its value starts in `s` into `valueAt`.
Key readKey(std::string_view s, std::string& key, std::size_t& valueAt) {
  std::size_t colon = 0;
  if (s[0] == '"' || s[0] == '\'') {
    std::size_t after = 0;
    if (!readQuoted(s, key, after) || after > kMaxKeyBytes) return Key::kOutside;
    if (after == s.size()) return Key::kNone;  // a quoted scalar alone
    if (s[after] != ':' || (after + 1 < s.size() && s[after + 1] != ' ')) return Key::kOutside;
    colon = after;
  } else {
    colon = s.find(": ");
    if (colon == std::string_view::npos) {
      if (s.back() != ':') return Key::kNone;
      colon = s.size() - 1;
    }
    const std::string_view plain = s.substr(0, colon);
    // The merge key `<<` puts other members here (policy::isMergeKey): left to yaml-cpp.
    if (!isSimplePlain(plain) || plain.back() == ' ' || plain.size() > kMaxKeyBytes ||
        plain == "<<")
      return Key::kOutside;
    key = policy::resolvePlainKey(plain);
    // A null key (`~:`, `null:`) is an error (policy::kNullKeyError), and so is an integer past
    // int64 (kUnsignedKeyError): the yaml-cpp reader says so with its position.
    if (key == "null" || policy::isUnsignedOnlyKey(plain)) return Key::kOutside;
  }
  valueAt = colon + 1;
  while (valueAt < s.size() && s[valueAt] == ' ') ++valueAt;
  return Key::kKey;
}

// The length of the UTF-8 sequence at text[at] when it is a character this reader passes on as
// it is, else 0: not valid UTF-8 (overlong, a surrogate, past U+10FFFF, cut short), or one that
// YAML, and so maybe yaml-cpp, treats apart: C1 controls (U+0085 is a line break in YAML 1.1),
// the line and paragraph separators, the byte-order mark, U+FFFE and U+FFFF.
std::size_t printableUtf8(std::string_view text, std::size_t at) {
  const base::Utf8Char c = base::decodeUtf8(text, at);
  // ASCII (size 1) is the caller's to read; below U+00A0 are the C1 controls.
  if (c.size < 2 || c.cp < 0xA0) return 0;
  if (c.cp == 0x2028 || c.cp == 0x2029 || c.cp == 0xFEFF || c.cp == 0xFFFE || c.cp == 0xFFFF)
    return 0;
  return c.size;
}

class EntryReader {
 public:
  explicit EntryReader(const std::vector<Line>& lines) : lines_(lines) {}

  bool entry(json::Value& item) {
    json::Value items;
    if (!sequence(0, 0, items)) return false;
    skipBlank();
    if (at_ != lines_.size() || items.asArray().size() != 1) return false;
    item = std::move(items.asArray()[0]);
    return true;
  }

 private:
  void skipBlank() {
    while (at_ < lines_.size() && lines_[at_].blank()) ++at_;
  }

  // A block sequence whose `-` lines are at indentation `n`, from the line at at_ (one of them).
  bool sequence(std::size_t n, int depth, json::Value& out) {
    if (depth > kMaxDepth) return false;
    out = json::Value::array({});
    for (;;) {
      skipBlank();
      if (at_ == lines_.size()) return true;
      const Line& line = lines_[at_];
      if (line.indent > n) return false;  // runs on from the entry before, or an error
      if (line.indent < n || !isEntryStart(line.content())) return true;
      const std::size_t end = line.indent + line.content().size();
      std::size_t col = n + 1;
      while (col < end && line.raw[col] == ' ') ++col;
      json::Value value;
      if (col == end) {
        ++at_;
        if (!nodeBelow(n, false, depth + 1, value)) return false;
      } else if (!nodeOnLine(col, n, depth + 1, value)) {
        return false;
      }
      out.asArray().push_back(std::move(value));
    }
  }

  // A block mapping whose keys are at column `m`, from the line at at_ (its first key may follow
  // a sequence's "- " on that line).
  bool mapping(std::size_t m, int depth, json::Value& out) {
    if (depth > kMaxDepth) return false;
    out = json::Value::object({});
    YamlMembers members;
    for (bool first = true;; first = false) {
      if (!first) {
        skipBlank();
        if (at_ == lines_.size() || lines_[at_].indent < m) return true;
        if (lines_[at_].indent > m) return false;
      }
      const std::string_view text = lines_[at_].from(m);
      std::string key;
      std::size_t valueAt = 0;
      if (readKey(text, key, valueAt) != Key::kKey) return false;
      json::Value value;
      if (valueAt == text.size()) {
        ++at_;
        if (!nodeBelow(m, true, depth + 1, value)) return false;
      } else if (!scalar(text.substr(valueAt), m, value)) {
        return false;
      }
      members.add(out.asObject(), std::move(key), std::move(value));
    }
  }

  // The node starting at column `col` of the line at at_, inside a collection at indentation
  // `parent`: a mapping, or a scalar.
  bool nodeOnLine(std::size_t col, std::size_t parent, int depth, json::Value& out) {
    const std::string_view text = lines_[at_].from(col);
    if (isEntryStart(text)) return false;  // "- - x"
    std::string key;
    std::size_t valueAt = 0;
    switch (readKey(text, key, valueAt)) {
      case Key::kKey:
        return mapping(col, depth, out);
      case Key::kNone:
        return scalar(text, parent, out);
      case Key::kOutside:
        return false;
    }
    return false;
  }

  // The value of a `key:` or `-` with nothing after it on its line: a collection on the lines
  // below, deeper than `parent` (or, for a key, a sequence at its indentation), else null.
  bool nodeBelow(std::size_t parent, bool sequenceAtParent, int depth, json::Value& out) {
    skipBlank();
    if (at_ == lines_.size()) {
      out = json::Value::null();
      return true;
    }
    const Line& line = lines_[at_];
    const std::string_view text = line.content();
    if (line.indent > parent || (sequenceAtParent && line.indent == parent)) {
      if (isEntryStart(text)) return sequence(line.indent, depth, out);
      if (line.indent == parent) {
        out = json::Value::null();
        return true;
      }
      std::string key;
      std::size_t valueAt = 0;
      if (readKey(text, key, valueAt) != Key::kKey) return false;  // a scalar on its own line
      return mapping(line.indent, depth, out);
    }
    out = json::Value::null();
    return true;
  }

  // A scalar starting the (trimmed) `text` on the line at at_, in a collection at indentation
  // `parent`: on its line, over the more indented lines below (a quoted or plain scalar that
  // kubectl wrapped), or a block scalar's content below.
  bool scalar(std::string_view text, std::size_t parent, json::Value& out) {
    if (text[0] == '|') return literal(text.substr(1), parent, out);
    if (text == "{}") {
      out = json::Value::object({});
      ++at_;
    } else if (text == "[]") {
      out = json::Value::array({});
      ++at_;
    } else if (text[0] == '"' || text[0] == '\'') {
      std::string s;
      if (!quoted(text, parent, s)) return false;
      out = json::Value::string(std::move(s));
    } else {
      if (!isSimplePlain(text)) return false;
      std::string s;
      if (!plain(text, parent, s)) return false;
      // A value kubectl refuses (`.inf`) is left to the reader, which says where it is.
      std::string error;
      out = policy::resolvePlainScalar(s, error);
      if (!error.empty()) return false;
    }
    // A deeper line after it would continue it or be an error.
    skipBlank();
    return at_ == lines_.size() || lines_[at_].indent <= parent;
  }

  // Lines joined as YAML folds a flow scalar's: one line break is a space, and each blank line
  // between two lines a line break. `blanks` is how many came before the next line.
  static void fold(std::string& s, std::size_t blanks) {
    if (blanks == 0)
      s += ' ';
    else
      s.append(blanks, '\n');
  }

  // A quoted scalar from `text` (its first line's, from the quote) to its closing quote, on this
  // line or a more indented one below; at_ ends past its last line.
  bool quoted(std::string_view text, std::size_t parent, std::string& s) {
    const Line* line = &lines_[at_];
    // Decoded from the line as written: the spaces before a line break matter when escaped.
    std::string_view raw(text.data(), line->raw.data() + line->raw.size() - text.data());
    std::size_t after = 0;
    Quoted state = decodeQuoted(raw, 1, text[0], s, after);
    while (state == Quoted::kOpen || state == Quoted::kEscapedBreak) {
      ++at_;
      std::size_t blanks = 0;
      while (at_ < lines_.size() && lines_[at_].blank()) ++at_, ++blanks;
      if (at_ == lines_.size() || lines_[at_].indent <= parent) return false;  // not closed
      if (state == Quoted::kEscapedBreak && blanks > 0) return false;
      if (state == Quoted::kOpen) fold(s, blanks);
      line = &lines_[at_];
      raw = line->raw;
      state = decodeQuoted(raw, line->indent, text[0], s, after);
    }
    if (state != Quoted::kClosed || raw.find_first_not_of(' ', after) != std::string_view::npos)
      return false;  // something after the closing quote
    ++at_;
    return true;
  }

  // A plain scalar from `text` (trimmed, its first line's), with the more indented lines below
  // that continue it; at_ ends past its last line.
  bool plain(std::string_view text, std::size_t parent, std::string& s) {
    s.assign(text);
    for (++at_;;) {
      std::size_t next = at_, blanks = 0;
      while (next < lines_.size() && lines_[next].blank()) ++next, ++blanks;
      if (next == lines_.size() || lines_[next].indent <= parent) return true;
      const std::string_view more = lines_[next].content();
      if (!continuesPlain(more)) return false;
      fold(s, blanks);
      s.append(more);
      at_ = next + 1;
    }
  }

  // A literal block scalar (`|`, `|-`, `|+`; `header` is what follows the `|`).
  bool literal(std::string_view header, std::size_t parent, json::Value& out) {
    if (header.size() > 1 || (header.size() == 1 && header[0] != '-' && header[0] != '+'))
      return false;
    const char chomp = header.empty() ? ' ' : header[0];
    ++at_;
    std::size_t first = at_;
    while (first < lines_.size() && lines_[first].blank()) ++first;
    if (first == lines_.size() || lines_[first].indent <= parent) return false;  // empty
    const std::size_t indent = lines_[first].indent;
    std::string s;
    for (; at_ < lines_.size(); ++at_) {
      const Line& line = lines_[at_];
      if (line.blank()) {
        if (line.raw.size() > indent) return false;  // spaces that may be content
        s += '\n';
        continue;
      }
      if (line.indent < indent) {
        if (line.indent > parent) return false;  // less indented than its content: an error
        break;
      }
      s.append(line.raw.substr(indent));
      s += '\n';
    }
    if (chomp != '+') {
      while (!s.empty() && s.back() == '\n') s.pop_back();
      if (chomp == ' ') s += '\n';
    }
    out = json::Value::string(std::move(s));
    return true;
  }

  const std::vector<Line>& lines_;
  std::size_t at_ = 0;
};

}  // namespace

bool readBlockEntry(std::string_view text, json::Value& item) {
  if (text.empty() || text.back() != '\n') return false;
  std::vector<Line> lines;
  lines.reserve(128);
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      Line line;
      line.raw = text.substr(start, i - start);
      while (line.indent < line.raw.size() && line.raw[line.indent] == ' ') ++line.indent;
      lines.push_back(line);
      start = i + 1;
    } else if (c >= 0x80) {
      const std::size_t size = printableUtf8(text, i);
      if (size == 0) return false;
      i += size - 1;
    } else if (c < 0x20 || c == 0x7F) {
      return false;  // a tab, a carriage return, a control byte
    }
  }
  if (lines[0].indent != 0 || !isEntryStart(lines[0].content())) return false;
  return EntryReader(lines).entry(item);
}

}  // namespace billet::cli
