// The line breaks yaml-cpp 0.7 drops at the end of two kinds of scalar, put back.
//
// kubectl's reader gives them, as YAML does; yaml-cpp gives fewer:
// - a quoted scalar whose closing quote stands on a line of its own after blank lines: each blank
//   line is a line break (`'x⏎⏎⏎  '` is "x\n\n", `'⏎⏎  '` is "\n"), and yaml-cpp clips them to
//   one as if the scalar were a block scalar without `+` ("x\n", and "" for the second);
// - a folded block scalar that keeps its final line breaks (`>+`) and ends with blank lines: its
//   last line's break and one per blank line (`>+⏎  x⏎⏎` is "x\n\n"), where yaml-cpp gives one
//   too few unless that last line is more indented.
// The reader keeps no text, so the scalar is read again from the window of bytes yaml-cpp read
// (cli/yaml_recent_bytes.h), from the position of its first byte (a quote, or the `>`): only
// how many blank lines end it, and what ends its last line, are looked at.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cli/yaml_recent_bytes.h"

namespace billet::cli {

// The scalar yaml-cpp read as `read`, starting at `pos`, with the line breaks it dropped at its
// end; nullopt when it dropped none, and when the bytes cannot say (no longer in the window; a
// block scalar with an indentation indicator, whose lines' indentation is its parent's and the
// indicator, and so a line of spaces may be a blank line or text).
std::optional<std::string> restoreTrailingBreaks(std::string_view read, std::size_t pos,
                                                 const ByteAt& byteAt);

}  // namespace billet::cli
