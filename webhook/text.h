// Small text helpers for the server's own output (logs, /reports): JSON string quoting.
#pragma once

#include <string>
#include <string_view>

namespace billet::webhook {

// Appends s as a quoted JSON string (RFC 8259 escapes; UTF-8 passes through). Also valid YAML.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace billet::webhook
