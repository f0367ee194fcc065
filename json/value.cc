#include "json/value.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

namespace billet::json {

std::string Value::scalarText() const {
  switch (type()) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return asBool() ? "true" : "false";
    case Type::kNumber:
      return asNumberText();
    case Type::kString:
      return asString();
    default:
      return {};
  }
}

namespace {

// Key equality for member lookups: the length and the last byte settle most mismatches without
// a call to memcmp (keys of one object often share a prefix: "team-1", "team-2", ...).
inline bool sameKey(const std::string& a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n == 0) return true;
  const char* x = a.data();
  const char* y = b.data();
  if (x[n - 1] != y[n - 1] || x[0] != y[0]) return false;
  return n <= 2 || std::memcmp(x + 1, y + 1, n - 2) == 0;
}

}  // namespace

const Value* Value::find(std::string_view key) const {
  if (!isObject()) return nullptr;
  for (const Member& m : asObject())
    if (sameKey(m.key, key)) return &m.value;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

Value& Value::operator[](std::string_view key) {
  if (!isObject()) v_ = Object{};
  if (Value* v = find(key)) return *v;
  Object& o = asObject();
  o.push_back(Member{std::string(key), Value()});
  return o.back().value;
}

Value& Value::set(std::string_view key, Value v) {
  return (*this)[key] = std::move(v);
}

bool Value::erase(std::string_view key) {
  if (!isObject()) return false;
  Object& o = asObject();
  auto it = std::find_if(o.begin(), o.end(), [&](const Member& m) { return sameKey(m.key, key); });
  if (it == o.end()) return false;
  o.erase(it);
  return true;
}

Value& Value::push(Value v) {
  if (!isArray()) v_ = Array{};
  Array& a = asArray();
  a.push_back(std::move(v));
  return a.back();
}

std::size_t Value::size() const {
  if (isArray()) return asArray().size();
  if (isObject()) return asObject().size();
  return 0;
}

// Objects compare as sets of members (order-insensitive), as JSON defines them.
bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.type() != Type::kObject) return a.v_ == b.v_;
  const Object& x = a.asObject();
  const Object& y = b.asObject();
  if (x.size() != y.size()) return false;
  // Members of `b` by key, built at the first member out of order when `b` is large, so that
  // comparing two large objects listed in different orders stays linear.
  std::unordered_map<std::string_view, const Value*> index;
  for (std::size_t i = 0; i < x.size(); ++i) {
    // Fast path: same order.
    if (x[i].key == y[i].key) {
      if (!(x[i].value == y[i].value)) return false;
      continue;
    }
    const Value* other = nullptr;
    if (y.size() <= 16) {
      other = b.find(x[i].key);
    } else {
      if (index.empty())
        for (const Member& m : y) index.emplace(m.key, &m.value);
      auto it = index.find(x[i].key);
      other = it == index.end() ? nullptr : it->second;
    }
    if (!other || !(x[i].value == *other)) return false;
  }
  return true;
}

const Value* dig(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* cur = &v;
  for (std::string_view k : keys) {
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  return cur;
}

}  // namespace billet::json
