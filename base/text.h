// Text helpers every layer shares: the JSON string escaper (json::write, logs, /reports),
// truncation, and messages kept to one line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace billet::base {

// The one JSON string escaper (json::write uses it too). Writes s as a quoted JSON string (RFC
// 8259 escapes: \" \\ \b \f \n \r \t, other control bytes as \u00XX; UTF-8 passes
// through; also valid YAML) at `out`, which must have room for kJsonStringWorstCase * s.size() + 2
// bytes; returns the end of what was written.
inline constexpr std::size_t kJsonStringWorstCase = 6;  // a byte written as \u00XX
char* writeJsonString(std::string_view s, char* out);
// The same, appended to `out`.
void appendJsonString(std::string& out, std::string_view s);

// The value of a hex digit, -1 for another byte (JSON's `\u`, YAML's `\x`, `\u`, `\U`).
inline int hexDigitValue(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// s cut to at most max bytes, on a UTF-8 character boundary, ending in "…" when cut: what a
// client sends must not decide how much memory the server keeps. max must be at least 3.
std::string truncated(std::string_view s, std::size_t max);

// s as one line of a message, whatever bytes it holds: line breaks and tabs written as \n, \r,
// \t, other control bytes (below 0x20, and 0x7f) as \xNN. For errors that quote input (a
// document's value, yaml-cpp's "unknown escape character: " and the character).
std::string oneLine(std::string_view s);

// Every line of `text` but the first indented by n spaces: a document written at depth 0 placed
// deeper in an indented one (lint's JSON and the PolicyReport list are written item by item).
std::string indentTail(std::string_view text, int n);

}  // namespace billet::base
