// What the bytes around a yaml-cpp event say about the layout kubectl reads: `---` and `...`
// lines, tabs where kubectl's reader allows none, and an escape it does not know. The reader keeps
// no text; these look at the window of bytes yaml-cpp read (cli/yaml_recent_bytes.h), by the
// positions of its marks.
#pragma once

#include <yaml-cpp/mark.h>

#include <cstddef>
#include <optional>

#include "cli/yaml_recent_bytes.h"

namespace billet::cli {

// Where the text of the node at `pos` starts: yaml-cpp places a node at its anchor or tag when it
// has them (`&a !!str 'x'`), and they are skipped here.
std::size_t nodeTextStart(std::size_t pos, const ByteAt& byteAt);

// Whether `---` and a blank or the end are at `pos` (a block sequence's `- ` is not).
bool startsWithDashes(std::size_t pos, const ByteAt& byteAt);

// Where a `...` line is, when it is the first line with more than blanks and a comment from
// `from` (past the rest of its line when `restOfLine`).
std::optional<YAML::Mark> documentEndFirst(YAML::Mark from, bool restOfLine, const ByteAt& byteAt);

// Whether the byte at `at` is `-` or `?`, or a `:` with nothing but spaces before it on its line
// (an explicit value's): after those kubectl allows no tab.
bool followsIndicator(std::size_t at, const ByteAt& byteAt);

// Whether a tab comes before the node at `pos` where kubectl allows none: between it and a `-`,
// `?` or explicit `:` before it on its line, or, when `linesBefore` and the node starts its line,
// at the start of a blank or comment line before it, or after such an indicator ending the line
// it follows.
bool tabBefore(std::size_t pos, bool linesBefore, const ByteAt& byteAt);

// How many lines before the `---` line at `dashes` a directive line (`%YAML`, `%TAG`: a `%` and
// a letter at its start) stands, when directives, blank lines and comments are all that come
// before that `---` line since the start of the stream or a `---` line that kubectl cuts away (one
// that is not the stream's first line); the topmost directive's, or 0 when there is none there.
// kubectl cuts a stream at its `---` lines before it parses any YAML, so such a piece holds a
// directive and no document, which it refuses ("did not find expected <document start>"); yaml-cpp
// reads the directive for the document after the `---`.
int directiveOpeningPiece(std::size_t dashes, const ByteAt& byteAt);

// Where a `\/` escape is in the double-quoted scalar that yaml-cpp placed at `node` (its mark),
// or nullopt when the node is not double-quoted, holds none, or is no longer in the window.
// yaml-cpp (YAML 1.2) reads it as `/`; kubectl's reader (YAML 1.1) refuses the file ("found
// unknown escape character").
std::optional<YAML::Mark> slashEscapeIn(const YAML::Mark& node, const ByteAt& byteAt);

}  // namespace billet::cli
