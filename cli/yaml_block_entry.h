// A List entry in the block style kubectl prints, read without yaml-cpp.
//
// yaml-cpp reads about 10 MB of YAML a second on this project's machine: in `lint` and `audit`
// of a cluster dump it is most of the time. Nearly every line kubectl writes is in a small,
// unambiguous part of YAML, and this reader takes exactly that part, line by line:
//
//   - block mappings (`key: value`, `key:` with the value below, at the same indentation for a
//     sequence) and block sequences (`- value`, `- key: value` starting a mapping);
//   - plain and quoted keys on one line; plain and quoted values on one line or wrapped over more
//     indented lines, as kubectl wraps long strings (folded as YAML folds them), plain ones
//     resolved by policy/yaml_scalar.h as the yaml-cpp reader resolves them, quoted ones with
//     the common escapes; the empty flow collections `{}` and `[]`;
//   - literal block scalars (`|`, `|-`, `|+`) without an indentation indicator.
//
// Anything else makes it give up on the whole entry: a tab, a carriage return, a control byte,
// text that is not UTF-8 or holds a character YAML treats apart (C1 controls, U+2028, U+2029,
// U+FEFF), a comment, an anchor, alias or tag, a merge key (`<<`), other flow collections,
// folded block scalars, a quoted scalar not closed in the entry, a continuation line that could
// start another node, a key over 1,000 bytes, nesting deeper than 64, an escape it does not
// know. The caller then reads the entry with yaml-cpp. Within its part of YAML it gives what the
// yaml-cpp reader gives (tests/cli/yaml_block_entry_test.cc and fuzz/yaml_stream_fuzz.cc compare
// the two), and outside it, it never guesses.
#pragma once

#include <string_view>

#include "json/value.h"

namespace billet::cli {

// Reads `text`, one entry of a column-0 `items:` sequence (its whole lines, from its `- ` line,
// ending with a line break), into `item`. False, with `item` unspecified, when any of it is outside
// the part of YAML above.
bool readBlockEntry(std::string_view text, json::Value& item);

}  // namespace billet::cli
