// JSON objects one after another in one file or stream, as `jq -c '.items[]'` and log shippers
// write them: kubectl applies such a file document by document, and so does lint.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace billet::cli {

struct JsonPiece {
  std::size_t offset = 0;  // where the document starts in the text
  std::string_view text;
};

// The documents of `text` when it holds two or more JSON objects or arrays separated only by
// whitespace; empty otherwise (one document, or text that is not such a sequence: the caller's
// parse of the whole text then says what is wrong). The pieces are found by their brackets and
// strings only: each is still parsed, and checked, on its own.
std::vector<JsonPiece> splitJsonSequence(std::string_view text);
// The pieces are views of `text`: splitting a temporary std::string would leave them dangling,
// so that does not compile.
std::vector<JsonPiece> splitJsonSequence(std::string&& text) = delete;
inline std::vector<JsonPiece> splitJsonSequence(const char* text) {
  return splitJsonSequence(std::string_view(text));
}

}  // namespace billet::cli
