// Plain YAML scalars resolved as kubectl resolves them.
//
// kubectl reads YAML with a YAML 1.1 resolver (go-yaml v2 through sigs.k8s.io/yaml) and sends the
// result as JSON. So billet reads a manifest's plain scalars the same way, or `lint` would judge
// (and `--patched` would print) an object other than the one `kubectl apply` sends:
//
//   0755 → 493 (octal)    0x1F → 31    0b101 → 5    1_000 → 1000    +1 → 1    1e3 → 1000
//   1e-400 → 0 (rounded as Go rounds it)    -0.0 → 0    1e400 → "1e400" (too large: text)
//   yes, y, on, true → true    no, n, off, false → false    ~, null, (empty) → null
//   2024-01-02 → "2024-01-02" (timestamps stay strings)
//   9223372036854775808 → 9223372036854776000 (past int64: a float64 by the time kubectl sends it)
//   .inf, -.Inf, .NaN (go-yaml's words for them) → an error, as kubectl refuses them: JSON has no
//   infinity or NaN; as keys they are named `.inf`, `-.inf`, `.nan`, as kubectl names them
//
// Quoted scalars are never resolved: "0755" is the string "0755". Tagged ones are resolved as
// their tag says (resolveTaggedScalar).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "json/value.h"

namespace billet::policy {

// The JSON value of a plain (unquoted, untagged) YAML scalar. For the floats JSON cannot hold,
// sets `error` (to be read after "invalid YAML: "; nonJsonFloatError) and returns the text. An
// out-parameter rather than a Result: this runs for every scalar of a cluster dump, and a
// Result's two moves of the value cost 0.8 % of `lint`'s instructions.
json::Value resolvePlainScalar(std::string_view text, std::string& error);

// "+Inf", "-Inf" or "NaN" when `text` is one of go-yaml's words for them (`.inf`, `+.Inf`, `-.INF`,
// `.nan`, …), else "". A value kubectl cannot turn into JSON:
//   `.inf` is a float JSON cannot hold (kubectl: json: unsupported value: +Inf)
std::string_view nonJsonFloat(std::string_view text);
std::string nonJsonFloatError(std::string_view text);

// A scalar with an explicit tag, as kubectl's reader makes it: the core tags !!null, !!bool, !!int
// and !!float resolve the text as a plain scalar would be and require that type (an integer is
// also a !!float: `!!int "7"` is 7, `!!float 1` is 1, `!!bool "off"` false); !!binary decodes its
// base64; !!str, !!timestamp and any other tag (`!local`) keep the text. `tag` as yaml-cpp gives
// it ("tag:yaml.org,2002:int"). Where kubectl refuses the file, an error (after "invalid YAML: "):
//   cannot decode !!str `abc` as a !!int        !!binary value contains invalid base64 data
base::Result<json::Value> resolveTaggedScalar(std::string_view tag, std::string_view text);

// yaml-cpp reads the escapes `\N` and `\_` of a double-quoted scalar as the single bytes 0x85 and
// 0xA0, not as the UTF-8 of U+0085 and U+00A0 (kubectl reads "a\_b" as "a\u00a0b"). In a scalar
// read from text that is UTF-8, such a byte where no character starts can only have come from
// one of them: each is rewritten as its character's UTF-8. The scalar so rewritten, or nullopt
// when it holds no such byte.
std::optional<std::string> restoreNelAndNbspEscapes(std::string_view scalar);

// Whether a mapping key is YAML's merge key: `<<`, plain or tagged !!merge (a quoted "<<" is a
// name). As kubectl reads it, its value, a mapping or a sequence of mappings, puts its members
// into the mapping the key is in, where the key is: a member read later (after the key, or from
// a later `<<`) replaces one of the same name, and of a sequence's mappings the first wins.
// Anything else as its value is an error:
inline constexpr std::string_view kMergeValueError =
    "map merge requires map or sequence of maps as the value";
bool isMergeKey(std::string_view tag, std::string_view text);

// The members a merge key's value (read) gives, each moved to `add(std::string key, json::Value
// value)` in the order kubectl adds them: a mapping's in order, a sequence's mappings from the last
// to the first. `add` replaces a member of the same name. False, adding nothing, when the value is
// not a mapping or a sequence of mappings (kMergeValueError).
template <class Add>
bool addMergedMembers(json::Value& value, Add&& add) {
  std::vector<json::Value*> sources;
  if (value.isObject()) {
    sources.push_back(&value);
  } else if (value.isArray()) {
    json::Array& list = value.asArray();
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if (!it->isObject()) return false;
      sources.push_back(&*it);
    }
  } else {
    return false;
  }
  for (json::Value* source : sources)
    for (json::Member& m : source->asObject())
      add(std::string(std::string_view(m.key)), std::move(m.value));
  return true;
}

// A plain map key as kubectl's YAML reader makes it a JSON member name: resolved like a value
// (`yes:` is the key "true", `0755:` the key "493"), a float from the nearest 32-bit float in Go's
// %g (`1e-7:` is "1e-07", `1.5e300:` ".inf"). `~:` gives "null" here, but kubectl refuses a null
// key, and so do billet's readers, before they ask (kNullKeyError).
std::string resolvePlainKey(std::string_view text);

// kubectl turns YAML into JSON and refuses a key it cannot make a member name of: a null (`~:`,
// `null:`, `? ` alone) or a sequence or mapping. billet's YAML readers refuse them too, with
// these messages after "invalid YAML: ", rather than read the member under the name "".
// A key of a block mapping with no `:` after it (`labels` alone on its line): yaml-cpp reads it as
// a key with a null value, where kubectl refuses the file. yaml-cpp places that null where the key
// is; a null after `:` or `?` is placed elsewhere, as in a flow mapping (`{a, b: 1}`).
inline constexpr std::string_view kKeyWithoutColonError =
    "a mapping key without `:` after it (kubectl: could not find expected ':')";
inline constexpr std::string_view kNullKeyError =
    "a null mapping key (kubectl accepts strings, numbers and booleans as keys)";
inline constexpr std::string_view kCollectionKeyError =
    "a sequence or mapping as a mapping key (kubectl accepts strings, numbers and booleans as "
    "keys)";

// go-yaml v2 reads an integer past int64's range, up to uint64's, as an unsigned integer, and
// kubectl cannot make a member name of one ("unsupported map key of type: uint64"): as a plain
// mapping key, billet's readers refuse it too, with this message.
bool isUnsignedIntegerText(std::string_view text);  // the whole check, out of line
inline bool isUnsignedOnlyKey(std::string_view text) {
  // Every key is asked: most are names, and such an integer takes 18 characters at least
  // ("0x8000000000000000").
  return text.size() >= 18 && ((text[0] >= '0' && text[0] <= '9') || text[0] == '+') &&
         isUnsignedIntegerText(text);
}
inline constexpr std::string_view kUnsignedKeyError =
    "an integer mapping key past 9223372036854775807 (kubectl refuses unsigned 64-bit keys)";

// A JSON number's text as kubectl sends it. kubectl decodes a manifest into Go values before it
// sends it, a number that is an integer within int64's range as an int64 and any other as a
// float64 (sigs.k8s.io/json), and encodes them again: `1.0` is sent as 1, `1e3` as 1000, `-0` as
// 0, 12345678901234567890 as 12345678901234567000 (and a float zero as the API server stores it,
// 0). nullopt for a number past float64's range (`1e400`), which kubectl refuses ("json: cannot
// unmarshal number 1e400 into Go value of type float64"). `text` is a valid JSON number.
std::optional<std::string> goJsonNumber(std::string_view text);

// A number as Go's encoding/json writes a float64: fixed notation for 1e-6 <= |x| < 1e21, else
// exponent notation ("1e+21", "1e-7"), shortest text that reads back exactly.
std::string goJsonFloat(double value);

}  // namespace billet::policy
