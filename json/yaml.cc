#include "json/yaml.h"

#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "json/write.h"

namespace billet::json {
namespace {

// First bytes that call for a closer look: YAML indicators and digits (quoted at once), and '+'
// and '.', which start a number only when a digit follows.
constexpr bool indicatorOrNumber(unsigned char c) {
  return std::string_view("-?:,[]{}#&*!|>'\"%@`+.0123456789").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

// Bytes that need a closer look inside a scalar: ':' and ' ' (": " and " #" end a plain
// scalar), controls and DEL (only escaped), and the bytes of non-ASCII characters.
constexpr bool notPlain(unsigned char c) {
  return c == ':' || c == ' ' || c < 0x20 || c >= 0x7f;
}

template <bool (*Test)(unsigned char)>
constexpr std::array<bool, 256> byteTable() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[static_cast<std::size_t>(c)] = Test(static_cast<unsigned char>(c));
  return table;
}

constexpr std::array<bool, 256> kIndicatorOrNumber = byteTable<indicatorOrNumber>();
constexpr std::array<bool, 256> kNotPlain = byteTable<notPlain>();

// A number: an optional sign or '.', then a digit (".5", "-1", "0755", "1e3").
bool looksLikeNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+' || s[i] == '.')) ++i;
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// Whether a string must be double-quoted to read back as the same string. This runs for every
// key and string audit writes (millions in a large report), so it looks at each byte once, and
// at the word list only for short strings that start like one of its words.
bool needsQuotes(std::string_view s) {
  if (s.empty()) return true;
  const auto first = static_cast<unsigned char>(s.front());
  if (kIndicatorOrNumber[first]) {
    if (first != '+' && first != '.') return true;  // an indicator, or a digit
    if (looksLikeNumber(s)) return true;            // "+1", ".5"
  }
  // Words a YAML 1.1 reader (kubectl's) takes for booleans, null or special floats.
  static constexpr std::string_view kWords[] = {
      "true", "false", "True", "False", "TRUE", "FALSE", "null", "Null", "NULL", "~",
      "yes",  "no",    "Yes",  "No",    "YES",  "NO",    "on",   "off",  "On",   "Off",
      "ON",   "OFF",   "y",    "n",     "Y",    "N",     ".inf", ".nan"};
  if (s.size() <= 5 && std::string_view("tTfFnNyYoO~.").find(s.front()) != std::string_view::npos)
    for (std::string_view w : kWords)
      if (s == w) return true;
  bool nonAscii = false;
  const std::size_t last = s.size() - 1;
  for (std::size_t i = 0; i <= last; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kNotPlain[c]) continue;
    if (c == ':') {
      if (i == last || s[i + 1] == ' ') return true;  // "a: b", "key:"
    } else if (c == ' ') {
      if (i == 0 || i == last || s[i + 1] == '#') return true;  // " lead", "tail ", "x #y"
    } else if (c < 0x20 || c == 0x7f) {
      return true;
    } else {
      nonAscii = true;
    }
  }
  // C1 controls, U+FFFE and U+FFFF are valid UTF-8 but not YAML text: only escaped.
  return nonAscii && base::findUnprintableYaml(s).has_value();
}

// A double-quoted scalar: JSON's escapes, which YAML reads alike, and \uXXXX for the characters
// YAML may not hold as they are (JSON may: a JSON string is not escaped for them).
void quoted(std::string_view s, std::string& out) {
  std::optional<base::TextFault> fault = base::findUnprintableYaml(s);
  if (!fault) {
    writeString(s, out);
    return;
  }
  std::string part;
  out += '"';
  std::size_t from = 0;
  while (fault) {
    const std::size_t at = from + fault->at;
    const base::Utf8Char c = base::decodeUtf8(s, at);
    part.clear();
    writeString(s.substr(from, at - from), part);
    out.append(part, 1, part.size() - 2);  // without its quotes
    if (c.size == 0 || c.cp < 0x20) {      // a control byte: JSON's escape for it
      part.clear();
      writeString(s.substr(at, 1), part);
      out.append(part, 1, part.size() - 2);
      from = at + 1;
    } else {
      char escape[16];
      std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(c.cp));
      out += escape;
      from = at + c.size;
    }
    fault = base::findUnprintableYaml(s.substr(from));
  }
  part.clear();
  writeString(s.substr(from), part);
  out.append(part, 1, part.size() - 2);
  out += '"';
}

void scalar(const Value& v, std::string& out) {
  if (v.isString()) {
    if (needsQuotes(v.asString()))
      quoted(v.asString(), out);
    else
      out += v.asString();
  } else {
    out += v.scalarText();
  }
}

bool isEmptyContainer(const Value& v) {
  return (v.isArray() || v.isObject()) && v.size() == 0;
}

void key(std::string_view k, std::string& out) {
  if (needsQuotes(k))
    quoted(k, out);
  else
    out += k;
}

void node(const Value& v, std::string& out, int indent);

void mapping(const Value& v, std::string& out, int indent, bool firstInline) {
  bool first = true;
  for (const Member& m : v.asObject()) {
    if (!(first && firstInline)) out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    key(m.key, out);
    out += ':';
    if (m.value.isScalar() || isEmptyContainer(m.value)) {
      out += ' ';
      if (isEmptyContainer(m.value))
        out += m.value.isArray() ? "[]" : "{}";
      else
        scalar(m.value, out);
      out += '\n';
    } else if (m.value.isArray()) {
      out += '\n';
      node(m.value, out, indent);  // lists sit at the key's indentation, as kubectl prints them
    } else {
      out += '\n';
      node(m.value, out, indent + 2);
    }
  }
}

void node(const Value& v, std::string& out, int indent) {
  if (v.isObject() && v.size() > 0) {
    mapping(v, out, indent, false);
    return;
  }
  if (v.isArray() && v.size() > 0) {
    for (const Value& e : v.asArray()) {
      out.append(static_cast<std::size_t>(indent), ' ');
      out += "- ";
      if (e.isObject() && e.size() > 0) {
        mapping(e, out, indent + 2, true);
      } else if (e.isArray() && e.size() > 0) {
        out += '\n';
        node(e, out, indent + 2);
      } else {
        if (isEmptyContainer(e))
          out += e.isArray() ? "[]" : "{}";
        else
          scalar(e, out);
        out += '\n';
      }
    }
    return;
  }
  out.append(static_cast<std::size_t>(indent), ' ');
  if (isEmptyContainer(v))
    out += v.isArray() ? "[]" : "{}";
  else
    scalar(v, out);
  out += '\n';
}

}  // namespace

std::string writeYaml(const Value& v) {
  std::string out;
  node(v, out, 0);
  return out;
}

}  // namespace billet::json
