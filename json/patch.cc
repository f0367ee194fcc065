#include "json/patch.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/text.h"
#include "json/pointer.h"
#include "json/same_key.h"
#include "json/write.h"

namespace billet::json {
namespace {

// ---------------------------------------------------------------------------------------------
// diff

// The location being compared, as a stack of steps; turned into a JSON Pointer only when an
// operation is emitted, since most of two similar documents is equal.
struct Step {
  const Key* key;  // nullptr for an array index
  std::size_t index;
};

// An array index as a JSON Pointer token, written in `digits`.
std::string_view indexToken(std::size_t index, char (&digits)[24]) {
  const char* end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  return std::string_view(digits, static_cast<std::size_t>(end - digits));
}

class Differ {
 public:
  // With `skipUntouched`, a subtree of `to` that is not touched() is taken to equal `from`'s,
  // except inside a replaced() one, compared whole. With `borrowValues`, an operation's value
  // below the root reads as the one in `to` (Value::lazyCopyOf) instead of copying it.
  Differ(Array& ops, bool skipUntouched, bool borrowValues)
      : ops_(&ops), skipUntouched_(skipUntouched), borrowValues_(borrowValues) {}
  // The operations written as JSON text onto `text` instead, without building them: the bytes
  // write() gives for the array the other constructor fills, less the brackets.
  Differ(Writer& text, bool skipUntouched)
      : text_(&text), skipUntouched_(skipUntouched), borrowValues_(false) {}
  void run(const Value& from, const Value& to) {
    root_ = &to;
    compare(from, to);
  }
  std::size_t operations() const { return operations_; }

 private:
  void compare(const Value& from, const Value& to);
  void compareObjects(const Object& a, const Object& b);
  void compareArrays(const Array& a, const Array& b);

  // The pointer of the current location, plus `last` if given ("-" for an append).
  std::string pointer(std::string_view last = {}, bool withLast = false) const {
    std::string path;
    std::size_t size = last.size() + 1;
    for (const Step& s : steps_) size += s.key ? s.key->size() + 1 : 8;
    path.reserve(size);
    for (const Step& s : steps_) {
      if (s.key) {
        appendToken(path, *s.key);
      } else {
        char digits[24];
        path.push_back('/');
        path += indexToken(s.index, digits);
      }
    }
    if (withLast) appendToken(path, last);
    return path;
  }
  // The pointer of the current location (plus `last`), written onto `out` as writeString would
  // write pointer(last, withLast), without building it first: most keys hold no byte that either
  // escaping changes, and those are copied as they are; a path with one is written the long way.
  void writePointer(Writer& out, std::string_view last, bool withLast) const {
    const std::size_t start = out.size();
    out.raw('"');
    for (const Step& s : steps_) {
      out.raw('/');
      if (s.key) {
        if (!plainToken(*s.key)) return writeEscapedPointer(out, start, last, withLast);
        out.raw(*s.key);
      } else {
        char digits[24];
        out.raw(indexToken(s.index, digits));
      }
    }
    if (withLast) {
      if (!plainToken(last)) return writeEscapedPointer(out, start, last, withLast);
      out.raw('/');
      out.raw(last);
    }
    out.raw('"');
  }
  [[gnu::noinline]] void writeEscapedPointer(Writer& out, std::size_t start, std::string_view last,
                                             bool withLast) const {
    out.rewind(start);
    out.string(pointer(last, withLast));
  }
  // Whether a key is written the same in a JSON Pointer (no '~', '/') and in a JSON string (no
  // '"', '\\', control character).
  static bool plainToken(std::string_view token) {
    for (char ch : token) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == '"' || c == '\\' || c == '~' || c == '/') return false;
    }
    return true;
  }

  // One operation at the current location (plus `last`: a member's key, an index, "-").
  void emit(std::string_view op, std::string_view last, bool withLast, const Value* value) {
    ++operations_;
    if (text_) {
      // Members in the order the object below is written in.
      Writer& out = *text_;
      if (operations_ > 1) out.raw(',');
      out.raw(R"({"op":")");
      out.raw(op);
      out.raw(R"(","path":)");
      writePointer(out, last, withLast);
      if (value) {
        out.raw(R"(,"value":)");
        out.value(*value);
      }
      out.raw('}');
      return;
    }
    Object o;
    o.reserve(value ? 3 : 2);
    o.push_back(Member{"op", Value::string(std::string(op))});
    o.push_back(Member{"path", Value::string(pointer(last, withLast))});
    if (value) {
      // The root of `to` is the caller's to move; a value below it stays where it is.
      const bool borrow = borrowValues_ && value != root_;
      o.push_back(Member{"value", borrow ? Value::lazyCopyOf(*value) : *value});
    }
    ops_->push_back(Value::object(std::move(o)));
  }

  Array* ops_ = nullptr;
  Writer* text_ = nullptr;
  std::size_t operations_ = 0;
  bool skipUntouched_;
  bool borrowValues_;
  const Value* root_ = nullptr;
  std::vector<Step> steps_;
};

using detail::sameKey;

// Finds members by key: linear for small objects, hashed for large ones so that a diff of two
// objects with many members stays linear. The hash map is built only when a large object needs it.
class MemberIndex {
 public:
  explicit MemberIndex(const Object& members) : members_(members) {}
  // `hint` is where the key sits when both objects list members in the same order (the common
  // case, inlined into the diff's loop; the search out of line).
  [[gnu::always_inline]] const Value* find(std::string_view key, std::size_t hint) {
    if (hint < members_.size() && sameKey(members_[hint].key, key)) return &members_[hint].value;
    return search(key);
  }

 private:
  [[gnu::noinline]] const Value* search(std::string_view key) {
    if (members_.size() > kLinearLimit) {
      if (!map_) {
        map_.emplace();
        map_->reserve(members_.size());
        for (const Member& m : members_) map_->emplace(m.key, &m.value);
      }
      auto it = map_->find(key);
      return it == map_->end() ? nullptr : it->second;
    }
    for (const Member& m : members_)
      if (sameKey(m.key, key)) return &m.value;
    return nullptr;
  }

  static constexpr std::size_t kLinearLimit = 16;
  const Object& members_;
  std::optional<std::unordered_map<std::string_view, const Value*>> map_;
};

// Equality of two scalars of the same type, without the variant's generic comparison.
inline bool sameScalar(const Value& a, const Value& b) {
  switch (a.type()) {
    case Type::kString:
      return a.asString() == b.asString();
    case Type::kNumber:
      return a.asNumberText() == b.asNumberText();
    case Type::kBool:
      return a.asBool() == b.asBool();
    default:
      return true;  // null
  }
}

void Differ::compare(const Value& from, const Value& to) {
  if (skipUntouched_) {
    if (!to.touched()) return;
    if (to.replaced()) {
      skipUntouched_ = false;
      compare(from, to);
      skipUntouched_ = true;
      return;
    }
  }
  // A lazy copy's value that reads as the original's very value (json::Value::lazyCopyOf),
  // wherever it has been moved: equal.
  if (to.readsAs(from)) return;
  if (from.type() != to.type()) {
    emit("replace", {}, false, &to);
    return;
  }
  if (from.isObject()) {
    compareObjects(from.asObject(), to.asObject());
  } else if (from.isArray()) {
    compareArrays(from.asArray(), to.asArray());
  } else if (!sameScalar(from, to)) {
    emit("replace", {}, false, &to);
  }
}

void Differ::compareObjects(const Object& a, const Object& b) {
  MemberIndex inTo(b);
  std::size_t matched = 0;
  bool inPlace = true;  // every member of `from` found at its own position in `to`
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Member& m = a[i];
    if (const Value* other = inTo.find(m.key, i)) {
      ++matched;
      inPlace = inPlace && other == &b[i].value;
      steps_.push_back(Step{&m.key, 0});
      compare(m.value, *other);
      steps_.pop_back();
    } else {
      inPlace = false;
      emit("remove", m.key, true, nullptr);
    }
  }
  if (matched == b.size()) return;  // every member of `to` was in `from`
  // Members appended to `from`'s (a rule adding labels): the new ones are those past its end, with
  // no index of `from` to build.
  if (inPlace) {
    for (std::size_t i = a.size(); i < b.size(); ++i) emit("add", b[i].key, true, &b[i].value);
    return;
  }
  MemberIndex inFrom(a);
  for (std::size_t i = 0; i < b.size(); ++i) {
    const Member& m = b[i];
    if (!inFrom.find(m.key, i)) emit("add", m.key, true, &m.value);
  }
}

void Differ::compareArrays(const Array& a, const Array& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    steps_.push_back(Step{nullptr, i});
    compare(a[i], b[i]);
    steps_.pop_back();
  }
  for (std::size_t i = common; i < b.size(); ++i) emit("add", "-", true, &b[i]);
  for (std::size_t i = a.size(); i > common; --i) {
    char digits[24];
    emit("remove", indexToken(i - 1, digits), true, nullptr);
  }
}

// ---------------------------------------------------------------------------------------------
// apply

// The decimal value of a JSON number, for "test": sign, significant digits without leading or
// trailing zeros, and the power of ten of the last digit. Zero has no digits and is never
// negative. `huge` marks an exponent too large to hold, compared by text instead.
struct Decimal {
  bool negative = false;
  std::string digits;
  std::int64_t exponent = 0;
  bool huge = false;
};

Decimal toDecimal(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  std::int64_t fractionDigits = 0;
  bool inFraction = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      inFraction = true;
    } else if (c >= '0' && c <= '9') {
      if (!(d.digits.empty() && c == '0')) d.digits.push_back(c);
      if (inFraction) ++fractionDigits;
    } else {
      break;  // 'e' or 'E'
    }
  }
  std::int64_t exp = 0;
  if (i < text.size()) {
    ++i;
    bool expNegative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) expNegative = text[i++] == '-';
    // Numbers from the parser are well-formed; stop at anything else a caller may have built.
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exp > std::numeric_limits<std::int64_t>::max() / 100) {
        d.huge = true;
        break;
      }
      exp = exp * 10 + (text[i] - '0');
    }
    if (expNegative) exp = -exp;
  }
  std::int64_t stripped = 0;
  while (!d.digits.empty() && d.digits.back() == '0') {
    d.digits.pop_back();
    ++stripped;
  }
  if (d.digits.empty()) return Decimal{};  // zero, including -0 and 0e5
  d.exponent = exp - fractionDigits + stripped;
  return d;
}

bool numbersEqual(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const Decimal x = toDecimal(a);
  const Decimal y = toDecimal(b);
  if (x.huge || y.huge) return false;
  return x.negative == y.negative && x.digits == y.digits && x.exponent == y.exponent;
}

// RFC 6902 section 4.6 equality: like Value's ==, but numbers compare by numeric value.
bool jsonEqual(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Type::kNumber:
      return numbersEqual(a.asNumberText(), b.asNumberText());
    case Type::kArray: {
      const Array& x = a.asArray();
      const Array& y = b.asArray();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!jsonEqual(x[i], y[i])) return false;
      return true;
    }
    case Type::kObject: {
      if (a.size() != b.size()) return false;
      for (const Member& m : a.asObject()) {
        const Value* other = b.find(m.key);
        if (!other || !jsonEqual(m.value, *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

// Array indices in pointers: "0" or digits without a leading zero.
bool parseIndex(const std::string& token, std::size_t& index) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return false;
  for (char c : token)
    if (c < '0' || c > '9') return false;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc() || end != token.data() + token.size())
    index = std::numeric_limits<std::size_t>::max();  // out of range for any array
  return true;
}

class Applier {
 public:
  explicit Applier(Value& doc) : doc_(doc) {}
  std::string run(const Value& patch);

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  Value* failNull(std::string message) {
    error_ = std::move(message);
    return nullptr;
  }
  // Resolves the first `count` tokens to an existing value.
  Value* resolve(const std::vector<std::string>& tokens, std::size_t count);
  bool add(const std::vector<std::string>& tokens, Value value);
  bool remove(const std::vector<std::string>& tokens, Value* removed);
  bool applyOne(const Value& op);

  Value& doc_;
  std::string error_;
  std::vector<std::string> path_;
  std::vector<std::string> from_;
};

Value* Applier::resolve(const std::vector<std::string>& tokens, std::size_t count) {
  Value* cur = &doc_;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& t = tokens[i];
    if (cur->isObject()) {
      cur = cur->find(t);
      if (!cur) return failNull("path not found");
    } else if (cur->isArray()) {
      std::size_t index;
      if (!parseIndex(t, index)) {
        if (t == "-") return failNull("path not found (\"-\" is past the end of the array)");
        return failNull("invalid array index \"" + base::oneLine(t) + "\"");
      }
      if (index >= cur->asArray().size()) return failNull("array index " + t + " out of range");
      cur = &cur->asArray()[index];
    } else {
      return failNull("path not found");
    }
  }
  return cur;
}

bool Applier::add(const std::vector<std::string>& tokens, Value value) {
  if (tokens.empty()) {
    doc_ = std::move(value);
    return true;
  }
  Value* parent = resolve(tokens, tokens.size() - 1);
  if (!parent) {
    if (error_ == "path not found") error_ = "parent path not found";
    return false;
  }
  const std::string& last = tokens.back();
  if (parent->isObject()) {
    parent->set(last, std::move(value));
    return true;
  }
  if (parent->isArray()) {
    Array& a = parent->asArray();
    if (last == "-") {
      a.push_back(std::move(value));
      return true;
    }
    std::size_t index;
    if (!parseIndex(last, index))
      return fail("invalid array index \"" + base::oneLine(last) + "\"");
    if (index > a.size()) return fail("array index " + last + " out of range");
    a.insert(a.begin() + static_cast<std::ptrdiff_t>(index), std::move(value));
    return true;
  }
  return fail("parent is not an object or array");
}

bool Applier::remove(const std::vector<std::string>& tokens, Value* removed) {
  if (tokens.empty()) return fail("cannot remove the whole document");
  Value* parent = resolve(tokens, tokens.size() - 1);
  if (!parent) return false;
  const std::string& last = tokens.back();
  if (parent->isObject()) {
    Object& o = parent->asObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (it->key == last) {
        if (removed) *removed = std::move(it->value);
        o.erase(it);
        return true;
      }
    }
    return fail("path not found");
  }
  if (parent->isArray()) {
    Array& a = parent->asArray();
    std::size_t index;
    if (!parseIndex(last, index)) {
      if (last == "-") return fail("path not found (\"-\" is past the end of the array)");
      return fail("invalid array index \"" + base::oneLine(last) + "\"");
    }
    if (index >= a.size()) return fail("array index " + last + " out of range");
    if (removed) *removed = std::move(a[index]);
    a.erase(a.begin() + static_cast<std::ptrdiff_t>(index));
    return true;
  }
  return fail("path not found");
}

const Value* stringMember(const Value& op, std::string_view key) {
  const Value* v = op.find(key);
  return v && v->isString() ? v : nullptr;
}

bool Applier::applyOne(const Value& op) {
  const Value* name = op.find("op");
  if (!name) return fail("missing \"op\"");
  if (!name->isString()) return fail("\"op\" is not a string");
  const Value* path = op.find("path");
  if (!path) return fail("missing \"path\"");
  if (!path->isString()) return fail("\"path\" is not a string");
  const std::string_view kind = name->asString();
  if (!splitPointer(path->asString(), path_)) return fail("invalid JSON pointer in \"path\"");

  if (kind == "add" || kind == "replace" || kind == "test") {
    const Value* value = op.find("value");
    if (!value) return fail("missing \"value\"");
    if (kind == "add") return add(path_, *value);
    Value* target = resolve(path_, path_.size());
    if (!target) return false;
    if (kind == "replace") {
      *target = *value;
      return true;
    }
    if (!jsonEqual(*target, *value)) return fail("test failed: value differs");
    return true;
  }
  if (kind == "remove") return remove(path_, nullptr);
  if (kind == "move" || kind == "copy") {
    const Value* from = op.find("from");
    if (!from) return fail("missing \"from\"");
    if (!stringMember(op, "from")) return fail("\"from\" is not a string");
    if (!splitPointer(from->asString(), from_)) return fail("invalid JSON pointer in \"from\"");
    Value* source = resolve(from_, from_.size());
    if (!source) {
      error_ = "\"from\" " + error_;
      return false;
    }
    if (kind == "copy") return add(path_, *source);
    if (from_ == path_) return true;
    if (from_.size() < path_.size() && std::equal(from_.begin(), from_.end(), path_.begin()))
      return fail("cannot move a value into one of its own children");
    Value moved;
    if (!remove(from_, &moved)) return false;
    return add(path_, std::move(moved));
  }
  return fail("unknown op \"" + base::oneLine(kind) + "\"");
}

std::string Applier::run(const Value& patch) {
  if (!patch.isArray()) return "patch is not a JSON array";
  const Array& ops = patch.asArray();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Value& op = ops[i];
    std::string where = "op " + std::to_string(i);
    if (!op.isObject()) return where + ": not an object";
    const Value* name = stringMember(op, "op");
    const Value* path = stringMember(op, "path");
    if (name && path)
      where += " (" + base::oneLine(name->asString()) + " " + base::oneLine(path->asString()) + ")";
    if (!applyOne(op)) return where + ": " + error_;
  }
  return {};
}

}  // namespace

Value diff(const Value& from, const Value& to) {
  Array ops;
  Differ(ops, false, false).run(from, to);
  return Value::array(std::move(ops));
}

Value diffFromCopy(const Value& original, const Value& copy) {
  Array ops;
  Differ(ops, true, true).run(original, copy);
  return Value::array(std::move(ops));
}

std::size_t writeDiffFromCopy(const Value& original, const Value& copy, std::string& out) {
  // A patch of a few operations fits in the first 1 KiB.
  Writer text(out, 1024);
  text.raw('[');
  Differ differ(text, true);
  differ.run(original, copy);
  text.raw(']');
  return differ.operations();
}

std::string apply(Value& doc, const Value& patch) {
  return Applier(doc).run(patch);
}

}  // namespace billet::json
