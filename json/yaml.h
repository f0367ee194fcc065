// Writing a Value as block-style YAML, for people (`lint --patched`, PolicyReports).
// Strings that YAML would read as something else (true, 1.5, null, "", leading "-", ": " ...)
// are double-quoted with JSON escapes, which YAML reads back as the same string.
#pragma once

#include <string>

#include "json/value.h"

namespace billet::json {

std::string writeYaml(const Value& v);

}  // namespace billet::json
