#include "policy/decode.h"

#include <charconv>
#include <set>

namespace billet::policy {
namespace {

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "\"" + n.Scalar() + "\"";
    default:
      return "nothing";
  }
}

std::string joinExpected(std::initializer_list<std::string_view> values) {
  std::string s;
  for (std::string_view v : values) {
    if (!s.empty()) s += ", ";
    s += v;
  }
  return s;
}

}  // namespace

std::string childPath(const std::string& path, std::string_view key) {
  bool plain = key.find_first_of("./[]\"") == std::string_view::npos && !key.empty();
  std::string out = path;
  if (plain) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += "[\"";
    out += key;
    out += "\"]";
  }
  return out;
}

std::string indexPath(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

void Decoder::fail(const YAML::Node& at, const std::string& path, std::string message) {
  int line = 0, col = 0;
  if (at.IsDefined() && !at.Mark().is_null()) {
    line = at.Mark().line + 1;
    col = at.Mark().column + 1;
  }
  errors_.push_back({file_, line, col, path, std::move(message)});
}

bool Decoder::map(const YAML::Node& n, const std::string& path,
                  std::initializer_list<std::string_view> allowed) {
  if (!n.IsMap()) {
    fail(n, path, "expected a mapping, got " + describe(n));
    return false;
  }
  anyMap(n, path);  // duplicate keys
  // Unknown fields are reported, and decoding goes on so that one load reports every error.
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const std::string& key = kv.first.Scalar();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known)
      fail(kv.first, childPath(path, key),
           "unknown field \"" + key + "\" (expected one of " + joinExpected(allowed) + ")");
  }
  return true;
}

bool Decoder::anyMap(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) {
    fail(n, path, "expected a mapping, got " + describe(n));
    return false;
  }
  std::set<std::string> seen;
  bool ok = true;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      fail(kv.first, path, "keys must be strings");
      ok = false;
      continue;
    }
    if (!seen.insert(kv.first.Scalar()).second) {
      fail(kv.first, childPath(path, kv.first.Scalar()), "duplicate key");
      ok = false;
    }
  }
  return ok;
}

bool Decoder::seq(const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence()) {
    fail(n, path, "expected a sequence, got " + describe(n));
    return false;
  }
  return true;
}

std::optional<std::string> Decoder::str(const YAML::Node& n, const std::string& path) {
  if (!n) return std::nullopt;
  if (!n.IsScalar()) {
    fail(n, path, "expected a string, got " + describe(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<bool> Decoder::boolean(const YAML::Node& n, const std::string& path) {
  if (!n) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  fail(n, path, "expected true or false, got " + describe(n));
  return std::nullopt;
}

std::optional<std::int64_t> Decoder::integer(const YAML::Node& n, const std::string& path,
                                             std::int64_t min, std::int64_t max) {
  if (!n) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) {
      if (v < min || v > max) {
        fail(n, path,
             "value " + s + " out of range [" + std::to_string(min) + ", " + std::to_string(max) +
                 "]");
        return std::nullopt;
      }
      return v;
    }
  }
  fail(n, path, "expected an integer, got " + describe(n));
  return std::nullopt;
}

std::optional<int> Decoder::oneOf(const YAML::Node& n, const std::string& path,
                                  std::initializer_list<std::string_view> values) {
  auto s = str(n, path);
  if (!s) return std::nullopt;
  int i = 0;
  for (std::string_view v : values) {
    if (v == *s) return i;
    ++i;
  }
  fail(n, path, "unknown value \"" + *s + "\" (expected " + joinExpected(values) + ")");
  return std::nullopt;
}

std::vector<std::string> Decoder::strList(const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!seq(n, path)) return out;
  std::size_t i = 0;
  for (const YAML::Node& item : n) {
    if (auto s = str(item, indexPath(path, i))) out.push_back(*s);
    ++i;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Decoder::strMap(const YAML::Node& n,
                                                                 const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!n) return out;
  if (!anyMap(n, path)) return out;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    if (auto v = str(kv.second, childPath(path, kv.first.Scalar())))
      out.emplace_back(kv.first.Scalar(), *v);
  }
  return out;
}

bool Decoder::required(const YAML::Node& parent, const YAML::Node& n, const std::string& path) {
  if (n) return true;
  fail(parent, path, "missing required field");
  return false;
}

}  // namespace billet::policy
