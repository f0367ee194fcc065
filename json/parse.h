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
#include "json/document.h"
#include "json/value.h"

namespace billet::json {

inline constexpr int kDefaultMaxDepth = 512;
inline constexpr std::size_t kNoValueLimit = static_cast<std::size_t>(-1);

base::Result<Value> parse(std::string_view text, int maxDepth = kDefaultMaxDepth,
                          std::size_t maxValues = kNoValueLimit);

// The same checks and errors, but the objects and arrays below the root are built when they are
// first read, from `into`, which the result and every value taken from it read from
// (json/document.h: it must outlive them, and one thread at a time reads them). Parsing again
// into the same Document ends what the previous result reads from. For admission requests,
// most of whose object no policy reads.
base::Result<Value> parseDeferred(std::string_view text, Document& into,
                                  int maxDepth = kDefaultMaxDepth,
                                  std::size_t maxValues = kNoValueLimit);

}  // namespace billet::json
