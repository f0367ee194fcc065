// Multi-document YAML into Documents, and YAML nodes into JSON values.
#include <yaml-cpp/depthguard.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "policy/alias_guard.h"
#include "policy/source.h"

namespace billet::policy {
namespace {

bool isPlain(const YAML::Node& n) {
  return n.Tag() == "?" || n.Tag().empty();
}

bool isNullText(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// YAML 1.2 core schema integers ([-+]?[0-9]+, 0o..., 0x...) and floats, rewritten as JSON numbers.
bool jsonNumber(std::string_view s, std::string& out) {
  if (s.empty()) return false;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o')) {
    int base = body[1] == 'x' ? 16 : 8;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(body.data() + 2, body.data() + body.size(), v, base);
    if (ec != std::errc() || p != body.data() + body.size()) return false;
    out = (negative ? "-" : "") + std::to_string(v);
    return true;
  }
  // Decimal: digits [. digits] [e [+-] digits]
  std::size_t i = 0;
  std::size_t intStart = i;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i;
  std::size_t intDigits = i - intStart;
  std::size_t fracDigits = 0;
  if (i < body.size() && body[i] == '.') {
    ++i;
    std::size_t f = i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i;
    fracDigits = i - f;
  }
  if (intDigits == 0) return false;  // ".5" stays a string: rare, and ambiguous in manifests
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    std::size_t e = i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i;
    if (i == e) return false;
  }
  if (i != body.size()) return false;
  if (body[body.size() - 1] == '.' && fracDigits == 0) return false;
  // Strip leading zeros of the integer part ("007" -> "7") so the text is valid JSON.
  std::string_view digits = body.substr(0, intDigits);
  std::size_t z = 0;
  while (z + 1 < digits.size() && digits[z] == '0') ++z;
  out.assign(negative ? "-" : "");
  out.append(body.substr(z));
  return true;
}

}  // namespace

json::Value toValue(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json::Value::null();
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (!isPlain(node)) return json::Value::string(s);
      if (isNullText(s)) return json::Value::null();
      if (s == "true" || s == "True" || s == "TRUE") return json::Value::boolean(true);
      if (s == "false" || s == "False" || s == "FALSE") return json::Value::boolean(false);
      std::string num;
      if (jsonNumber(s, num)) return json::Value::number(std::move(num));
      return json::Value::string(s);
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
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        // Later duplicates replace earlier ones, as Kubernetes' decoder does.
        bool replaced = false;
        for (json::Member& m : o)
          if (m.key == key) {
            m.value = toValue(kv.second);
            replaced = true;
          }
        if (!replaced) o.push_back({std::move(key), toValue(kv.second)});
      }
      return json::Value::object(std::move(o));
    }
  }
  return json::Value::null();
}

bool loadYaml(const TextSource& source, std::vector<YAML::Node>& nodes,
              std::vector<LoadError>& errors) {
  if (AliasGuardResult guard = checkExpandedSize(source.text); !guard.ok) {
    errors.push_back({source.name, guard.line, guard.column, "", guard.message});
    return false;
  }
  try {
    nodes = YAML::LoadAll(source.text);
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
  return true;
}

void parseDocuments(const TextSource& source, std::vector<Document>& out,
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
