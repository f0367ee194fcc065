// A plain scalar in a flow collection with a `:` right after it and then `,`, `]` or `}`.
//
// kubectl's reader (YAML 1.1) takes a `:` as a value indicator only before a blank: in
// `{a:, b: 1}` and `[a:]` the scalar is `a:`, a key with a null value in the first and a string in
// the second. yaml-cpp (YAML 1.2) ends the scalar at that `:`: the key `a` in the first, a mapping
// `{a: null}` in the second. The reader asks the bytes after the scalar which it is, and names the
// key, or makes the string, as kubectl does.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cli/yaml_recent_bytes.h"

namespace billet::cli {

// kubectl's scalar when the scalar yaml-cpp read as `read`, at `pos` (its node's position), is
// plain (tagged or not) and followed by `:` (after blanks, which are then in it: `{a :}` has the
// key `a :`) and then `,`, `]` or `}`; nullopt otherwise. A scalar over several lines never is
// (yaml-cpp refuses one with such a `:` after it).
std::optional<std::string> colonClosedPlainScalar(std::string_view read, std::size_t pos,
                                                  const ByteAt& byteAt);

}  // namespace billet::cli
