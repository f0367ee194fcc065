// Small text helpers for the server's own output (logs, /reports): JSON string quoting and
// truncation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace billet::base {

// Appends s as a quoted JSON string (RFC 8259 escapes; UTF-8 passes through). Also valid YAML.
void appendJsonString(std::string& out, std::string_view s);

// s cut to at most max bytes, on a UTF-8 character boundary, ending in "…" when cut: what a
// client sends must not decide how much memory the server keeps. max must be at least 3.
std::string truncated(std::string_view s, std::size_t max);

}  // namespace billet::base
