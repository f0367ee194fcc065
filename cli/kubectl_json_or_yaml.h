// Whether kubectl reads an input as JSON or as YAML, and where it turns from one to the other.
//
// `kubectl apply -f` and `kubectl create -f` read every input, whatever its name, with
// k8s.io/apimachinery's YAMLOrJSONDecoder, and billet's resource readers follow it:
// - an input starts like JSON when the first character that is not a space among its first
//   4,096 bytes (after a UTF-8 byte order mark, which kubectl drops first) is `{`; every other
//   input is YAML, a `.json` file's included;
// - one that starts like JSON is read as JSON values one after another (`kubectl get -o json`,
//   `jq -c` output), separated by JSON's blanks;
// - when a value there is not JSON, and two or more came before it, the input ends with that
//   JSON error; with one or none before it, the rest is read as YAML (a JSON object followed by
//   YAML documents; YAML flow mappings, which are not JSON; a tab in a string), starting after the
//   blanks that follow the last value, up to and including the first line feed. When the first
//   YAML document is not YAML either, the error given is the JSON one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace billet::cli {

// Go's unicode.IsSpace: ASCII's blanks, U+0085 and U+00A0, and the other code points of
// Unicode's White_Space property (what kubectl skips or trims in its readers).
bool isGoSpace(std::uint32_t cp);

// How much of an input kubectl looks at to decide.
inline constexpr std::size_t kJsonSniffBytes = 4096;

// Whether an input that starts with `head` (its first kJsonSniffBytes bytes, or all of it when
// shorter; after a UTF-8 byte order mark) is read as JSON first. Spaces are Unicode's white space,
// as Go's unicode.IsSpace has them (U+0085, U+00A0, U+2028 … besides ASCII's).
bool startsLikeJson(std::string_view head);

// Where kubectl's YAML reading starts when it stops reading `text` as JSON after the values that
// end at `from` (0 when none did): past the spaces there, up to and including the first line
// feed. nullopt when the bytes there are not UTF-8, or when fewer than four bytes are left
// before that place (kubectl reads four at a time): kubectl then stops with the JSON error.
std::optional<std::size_t> yamlStartAfterJson(std::string_view text, std::size_t from);

}  // namespace billet::cli
