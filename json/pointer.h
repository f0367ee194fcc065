// RFC 6901 JSON Pointers: exact escaping ("/" -> "~1", "~" -> "~0") and resolution.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace billet::json {

// Appends "/" + the escaped token to `pointer`.
void appendToken(std::string& pointer, std::string_view token);
std::string escapeToken(std::string_view token);
// Splits a pointer into unescaped tokens. Returns false when it is malformed (not empty and not
// starting with "/", or a "~" not followed by 0 or 1).
bool splitPointer(std::string_view pointer, std::vector<std::string>& tokens);

}  // namespace billet::json
