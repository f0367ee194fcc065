// JSON values one after another in one file or stream, as `jq -c '.items[]'` and log shippers
// write them: kubectl applies such a file value by value (cli/kubectl_json_or_yaml.h), and so
// does lint. A value's end is found by its brackets and strings only; each is then parsed, and
// checked, on its own.
#pragma once

#include <cstddef>
#include <string_view>

namespace billet::cli {

// Past JSON's blanks (space, tab, line feed, carriage return) from `i`.
std::size_t skipJsonBlanks(std::string_view text, std::size_t i);

// The end of the object or array that starts at `start`, or npos when none starts there or the
// text ends first.
std::size_t jsonValueEnd(std::string_view text, std::size_t start);

}  // namespace billet::cli
