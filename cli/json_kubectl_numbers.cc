#include "cli/json_kubectl_numbers.h"

#include <string_view>

#include "policy/yaml_scalar.h"

namespace billet::cli {
namespace {

// Whether kubectl sends the number as it is written: an integer of at most 18 digits (so within
// int64's range) that is not -0. Nearly every number of a manifest (replicas, ports, sizes) is
// one, and is looked at only this much.
bool sentAsWritten(std::string_view text) {
  std::size_t i = text[0] == '-' ? 1 : 0;
  if (text.size() == i || text.size() - i > 18) return false;
  if (text[i] == '0') return text.size() == 1;  // "0"; JSON has no other integer starting so
  for (; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

// Rewrites the numbers of `v`; the first one kubectl refuses, or null. No path is kept on the
// way: nearly every input has no such number, and its path is found again only for the error.
const json::Value* rewrite(json::Value& v) {
  if (const json::Text* text = v.ifNumberText()) {
    if (sentAsWritten(*text)) return nullptr;
    std::optional<std::string> sent = policy::goJsonNumber(*text);
    if (!sent) return &v;
    if (*sent != *text) v = json::Value::number(std::move(*sent));
  } else if (v.isArray()) {
    for (json::Value& item : v.asArray())
      if (const json::Value* refused = rewrite(item)) return refused;
  } else if (v.isObject()) {
    for (json::Member& m : v.asObject())
      if (const json::Value* refused = rewrite(m.value)) return refused;
  }
  return nullptr;
}

// Appends the field path from `v` to `target` (spec.values[1].x); false when it is not in `v`.
bool appendPath(const json::Value& v, const json::Value* target, std::string& path) {
  if (&v == target) return true;
  const std::size_t before = path.size();
  if (v.isArray()) {
    const json::Array& items = v.asArray();
    for (std::size_t i = 0; i < items.size(); ++i) {
      path += "[" + std::to_string(i) + "]";
      if (appendPath(items[i], target, path)) return true;
      path.resize(before);
    }
  } else if (v.isObject()) {
    for (const json::Member& m : v.asObject()) {
      path += (before == 0 ? "" : ".") + std::string(std::string_view(m.key));
      if (appendPath(m.value, target, path)) return true;
      path.resize(before);
    }
  }
  return false;
}

}  // namespace

std::optional<RefusedNumber> numbersAsKubectlSends(json::Value& v) {
  const json::Value* refused = rewrite(v);
  if (!refused) return std::nullopt;
  RefusedNumber out;
  appendPath(v, refused, out.path);
  const std::string text(refused->asNumberText());
  out.message = "invalid JSON: number " + text +
                " is past a float64's range (kubectl: json: cannot unmarshal number " + text +
                " into Go value of type float64)";
  return out;
}

}  // namespace billet::cli
