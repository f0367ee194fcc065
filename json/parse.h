// Parsing untrusted JSON (admission requests) into a Value.
//
// Never throws. Rejects invalid UTF-8, trailing garbage, nesting deeper than `maxDepth`
// (arrays and objects count; the root container is depth 1), and documents of more than
// `maxValues` values (a budget on the tree's memory: `[0,0,…]` costs about 60 bytes of tree per
// input byte; member names are not counted). The error is one line that names
// what went wrong and, where known, the byte offset.
//
//   auto doc = json::parse(body);
//   if (!doc.ok()) return reply400(doc.error);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "json/value.h"

namespace billet::json {

inline constexpr int kDefaultMaxDepth = 512;
inline constexpr std::size_t kNoValueLimit = static_cast<std::size_t>(-1);

base::Result<Value> parse(std::string_view text, int maxDepth = kDefaultMaxDepth,
                  std::size_t maxValues = kNoValueLimit);

}  // namespace billet::json
