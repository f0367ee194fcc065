// Multi-document YAML into Documents, and YAML nodes into JSON values.
#include <yaml-cpp/depthguard.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/utf8.h"
#include "policy/alias_guard.h"
#include "policy/source.h"
#include "policy/yaml_scalar.h"

namespace billet::policy {
namespace {

bool isPlain(const YAML::Node& n) {
  return n.Tag() == "?" || n.Tag().empty();
}

// A map key as kubectl's YAML reader turns it into a JSON member name (resolvePlainKey).
std::string keyText(const YAML::Node& key) {
  if (!key.IsScalar()) return std::string();
  if (!isPlain(key)) return key.Scalar();
  return resolvePlainKey(key.Scalar());
}

bool isMerge(const YAML::Node& key) {
  return key.IsScalar() && isMergeKey(key.Tag(), key.Scalar());
}

// Whether a merge key's value is what kubectl merges: a mapping or a sequence of mappings.
bool mergeable(const YAML::Node& value) {
  if (value.IsMap()) return true;
  if (!value.IsSequence()) return false;
  for (const YAML::Node& item : value)
    if (!item.IsMap()) return false;
  return true;
}

// The first node in `node` that makes kubectl refuse the file: a map key it cannot name
// (kNullKeyError, kCollectionKeyError, kUnsignedKeyError), a merge key's value that is not
// mappings, a tagged scalar that is not of its tag's type. Its node and message, or an undefined
// node.
std::pair<YAML::Node, std::string> refusedNode(const YAML::Node& node) {
  if (node.IsScalar()) {
    std::string error;
    if (isPlain(node))
      resolvePlainScalar(node.Scalar(), error);
    else
      error = resolveTaggedScalar(node.Tag(), node.Scalar()).error;
    if (!error.empty()) return {node, error};
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node)
      if (auto bad = refusedNode(item); bad.first.IsDefined()) return bad;
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsNull()) return {kv.first, std::string(kNullKeyError)};
      if (!kv.first.IsScalar()) return {kv.first, std::string(kCollectionKeyError)};
      if (isPlain(kv.first) && isUnsignedOnlyKey(kv.first.Scalar()))
        return {kv.first, std::string(kUnsignedKeyError)};
      if (kv.second.IsNull() && kv.second.Mark().pos == kv.first.Mark().pos)
        return {kv.first, std::string(kKeyWithoutColonError)};
      if (isMerge(kv.first) && !mergeable(kv.second))
        return {kv.first, std::string(kMergeValueError)};
      if (auto bad = refusedNode(kv.second); bad.first.IsDefined()) return bad;
    }
  }
  return {YAML::Node(YAML::NodeType::Undefined), {}};
}

// Puts right yaml-cpp's reading of `\N` and `\_` (restoreNelAndNbspEscapes) in every scalar
// of `node`, keys included. Safe because the file was checked to be UTF-8 before it was read.
void restoreEscapes(YAML::Node node) {
  if (node.IsScalar()) {
    if (std::optional<std::string> text = restoreNelAndNbspEscapes(node.Scalar()))
      node = *text;  // in place: the tag and mark stay
  } else if (node.IsSequence()) {
    for (YAML::Node item : node) restoreEscapes(item);
  } else if (node.IsMap()) {
    for (auto kv : node) {
      restoreEscapes(kv.first);
      restoreEscapes(kv.second);
    }
  }
}

bool mayHoldNelOrNbspEscape(std::string_view text) {
  for (std::size_t at = text.find('\\'); at != std::string_view::npos; at = text.find('\\', at + 2))
    if (at + 1 < text.size() && (text[at + 1] == 'N' || text[at + 1] == '_')) return true;
  return false;
}

}  // namespace

json::Value toValue(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json::Value::null();
    case YAML::NodeType::Scalar: {
      // A scalar kubectl refuses (a tag that does not fit its text, `.inf`) was refused when the
      // file was loaded (loadYaml).
      std::string error;
      if (isPlain(node)) return resolvePlainScalar(node.Scalar(), error);
      base::Result<json::Value> tagged = resolveTaggedScalar(node.Tag(), node.Scalar());
      return tagged.ok() ? std::move(tagged.value) : json::Value::string(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      json::Array a;
      a.reserve(node.size());
      for (const YAML::Node& item : node) a.push_back(toValue(item));
      return json::Value::array(std::move(a));
    }
    case YAML::NodeType::Map: {
      json::Object o;
      o.reserve(node.size());
      // Later duplicates replace earlier ones, as Kubernetes' decoder does. Keys are indexed so
      // that a mapping with many keys costs linear time, not quadratic.
      std::unordered_map<std::string, std::size_t> index;
      index.reserve(node.size());
      auto add = [&](std::string key, json::Value value) {
        auto [at, fresh] = index.emplace(key, o.size());
        if (!fresh)
          o[at->second].value = std::move(value);
        else
          o.push_back({std::move(key), std::move(value)});
      };
      for (const auto& kv : node) {
        if (!isMerge(kv.first)) {
          add(keyText(kv.first), toValue(kv.second));
          continue;
        }
        // `<<: *defaults`: its members here (addMergedMembers); loadYaml refused a value that
        // is not mappings.
        json::Value merged = toValue(kv.second);
        addMergedMembers(merged, add);
      }
      return json::Value::object(std::move(o));
    }
  }
  return json::Value::null();
}

bool loadYaml(const base::TextFile& source, std::vector<YAML::Node>& nodes,
              std::vector<LoadError>& errors) {
  // yaml-cpp reads bytes that are not UTF-8, and control characters, into scalars; kubectl's
  // reader refuses them. A file that starts with a UTF-16 or UTF-32 byte order mark is left to
  // yaml-cpp, which decodes it.
  if (!base::startsWithWideBom(source.text)) {
    if (auto fault = base::findUnprintableYaml(source.text)) {
      const base::LineColumn at = base::lineColumnAt(source.text, fault->at);
      errors.push_back({source.name, at.line, at.column, "", "invalid YAML: " + fault->message});
      return false;
    }
  }
  if (base::Status guard = checkAliasExpansion(source.text); !guard.ok()) {
    errors.push_back({source.name, guard.line, guard.column, "", guard.error});
    return false;
  }
  try {
    // NEL is a line break to a YAML 1.1 reader (kubectl's), as a line feed is; yaml-cpp keeps it
    // as a character, or drops it. Read as the line feed it is (as lint reads resources:
    // cli/yaml_kubectl_decoding.h).
    if (!base::startsWithWideBom(source.text) &&
        source.text.find("\xC2\x85") != std::string::npos) {
      // One pass, copying between them: a replace() per NEL would move the rest of the text
      // each time, quadratic in a file made of them.
      std::string text;
      text.reserve(source.text.size());
      std::size_t from = 0;
      for (std::size_t at = source.text.find("\xC2\x85"); at != std::string::npos;
           at = source.text.find("\xC2\x85", from)) {
        text.append(source.text, from, at - from);
        text += '\n';
        from = at + 2;
      }
      text.append(source.text, from, std::string::npos);
      nodes = YAML::LoadAll(text);
    } else {
      nodes = YAML::LoadAll(source.text);
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard reports "bad file"; say what happened.
    errors.push_back({source.name, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1, "",
                      "invalid YAML: nested deeper than " + std::to_string(e.depth()) + " levels"});
    return false;
  } catch (const YAML::Exception& e) {
    errors.push_back({source.name, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1, "", "invalid YAML: " + e.msg});
    return false;
  }
  // (A file in UTF-16 or UTF-32 is not searched for the escapes: it is walked.)
  if (base::startsWithWideBom(source.text) || mayHoldNelOrNbspEscape(source.text))
    for (const YAML::Node& n : nodes) restoreEscapes(n);
  for (const YAML::Node& n : nodes) {
    auto [key, message] = refusedNode(n);
    if (!key.IsDefined()) continue;
    const YAML::Mark m = key.Mark();
    errors.push_back({source.name, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, "",
                      "invalid YAML: " + std::string(message)});
    return false;
  }
  return true;
}

void parseDocuments(const base::TextFile& source, std::vector<Document>& out,
                    std::vector<LoadError>& errors) {
  std::vector<YAML::Node> nodes;
  if (!loadYaml(source, nodes, errors)) return;
  for (const YAML::Node& n : nodes) {
    if (!n || n.IsNull()) continue;
    if (!n.IsMap()) {
      errors.push_back({source.name, n.Mark().line + 1, n.Mark().column + 1, "",
                        "a document must be a mapping (an object)"});
      continue;
    }
    const YAML::Node kind = n["kind"];
    if (kind && kind.IsScalar() && kind.Scalar() == "List") {
      const YAML::Node items = n["items"];
      if (!items || items.IsNull()) continue;
      if (!items.IsSequence()) {
        errors.push_back({source.name, items.Mark().line + 1, items.Mark().column + 1, "items",
                          "a List's items must be a sequence"});
        continue;
      }
      for (const YAML::Node& item : items) {
        if (!item.IsMap()) {
          errors.push_back({source.name, item.Mark().line + 1, item.Mark().column + 1, "items",
                            "a List item must be a mapping"});
          continue;
        }
        out.push_back({source.name, item, item.Mark().line + 1});
      }
      continue;
    }
    out.push_back({source.name, n, n.Mark().line + 1});
  }
}

}  // namespace billet::policy
