// Serializing a Value: compact JSON (the wire format) and indented JSON (for people).
// Strings are escaped as RFC 8259 requires (", \, control characters); UTF-8 passes through.
#pragma once

#include <string>

#include "json/value.h"

namespace billet::json {

void write(const Value& v, std::string& out);  // compact, appends to out
std::string write(const Value& v);
std::string writePretty(const Value& v, int indent = 2);
void writeString(std::string_view s, std::string& out);  // a quoted, escaped JSON string

}  // namespace billet::json
