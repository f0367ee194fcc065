// Parsing untrusted JSON (admission requests) into a Value.
//
// Never throws. Rejects invalid UTF-8, trailing garbage, and nesting deeper than `maxDepth`
// (arrays and objects count; the root container is depth 1). The error is one line that names
// what went wrong and, where known, the byte offset.
//
//   auto doc = json::parse(body);
//   if (!doc.ok()) return reply400(doc.error);
#pragma once

#include <string>
#include <string_view>

#include "json/value.h"

namespace billet::json {

struct ParseResult {
  Value value;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
};

inline constexpr int kDefaultMaxDepth = 512;

ParseResult parse(std::string_view text, int maxDepth = kDefaultMaxDepth);

}  // namespace billet::json
