// billet::json::Value — the mutable, insertion-ordered JSON document every layer of billet shares.
//
// Admission objects are parsed into a Value (json::parseDeferred: its objects and arrays are
// built when first read), mutated by policy actions on a lazy copy (one that copies only what
// changes), and compared with the original to produce one JSON Patch. Object
// members keep their input order so that printed objects (`lint --patched`) read like the
// manifests they came from. Numbers keep their text so that `52000` and `1e3` round-trip exactly
// and quantities compare from the text the user wrote.
//
//   Value pod = Value::object();
//   pod["spec"]["nodeSelector"]["nvidia.com/gpu.present"] = Value::string("true");
//   if (const Value* c = pod.find("spec")) { ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "json/text.h"

namespace billet::json {

class Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;

enum class Type : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// The text of a JSON number, kept as written (already validated by the parser).
struct Number {
  Text text;
  friend bool operator==(const Number& a, const Number& b) { return a.text == b.text; }
};

class Value {
 public:
  // The factories and constructors are defined after Member, where the variant's alternatives
  // are complete (Clang instantiates their constexpr destructors as soon as it sees a use).
  Value() = default;  // null
  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value();
  static Value null();
  static Value boolean(bool b);
  // A Text::borrowed() argument makes a value that reads its bytes in place (a Document's build);
  // anything else is copied.
  static Value number(Text text);
  static Value number(std::int64_t n);
  static Value string(Text s);
  static Value array(Array a);    // default argument: an empty array
  static Value object(Object o);  // default argument: an empty object

  // A copy of `original` that copies nothing until it is changed. It reads as `original`; a
  // non-const accessor first copies the one value it acts on, whose members or elements then read
  // as those of `original` in turn, so that changing one field of a large object copies only the
  // objects and arrays on the way to it. Unchanged parts are untouched(), as after markUntouched().
  // This is the working copy that mutation changes (policy::mutate): the copy of a 3.7 KB review
  // object cost 19,000 instructions, most of them for parts no rule changes.
  //   Lifetime: `original` must outlive the copy, and every value moved out of it, and must not
  //   change while they live (a changed level's member names read the original's: json/key.h).
  //   Copying a lazy copy (constructor or assignment) makes a full copy that owns everything
  //   and depends on nothing; only moves keep reading from `original`.
  //   Pointers: a pointer found through const accessors where the copy is unchanged points into
  //   `original`, and does not see a change made after it was found: find values again after a
  //   change (a change can also move them, as in any Value).
  static Value lazyCopyOf(const Value& original);
  // A full copy of `v`, except that what in `v` still reads from a lazy copy's original keeps
  // reading from it: only what was changed in `v` is copied. For snapshots of a working copy
  // while it is being changed (the object before a rule, to undo or explain it); the same
  // lifetime rule as lazyCopyOf's applies to the originals. Every value in it is replaced().
  static Value copySharingOriginals(const Value& v);

  Type type() const { return static_cast<Type>(self().v_.index()); }
  bool isNull() const { return type() == Type::kNull; }
  bool isBool() const { return type() == Type::kBool; }
  bool isNumber() const { return type() == Type::kNumber; }
  bool isString() const { return type() == Type::kString; }
  bool isArray() const { return type() == Type::kArray; }
  bool isObject() const { return type() == Type::kObject; }
  bool isScalar() const { return !isArray() && !isObject(); }

  bool asBool() const { return std::get<bool>(self().v_); }
  // Views of the value's bytes, valid while the value lives unchanged (and, for a value read from
  // a Document, the Document: json/text.h). A string is changed by assigning a new value.
  std::string_view asNumberText() const { return std::get<Number>(self().v_).text; }
  std::string_view asString() const { return std::get<Text>(self().v_); }
  const Array& asArray() const { return std::get<Array>(self().v_); }
  Array& asArray() {
    own();
    touch();
    return std::get<Array>(v_);
  }
  const Object& asObject() const { return std::get<Object>(self().v_); }
  Object& asObject() {  // the caller may change the members: the key index is dropped
    own();
    setIndex(nullptr);
    touch();
    return std::get<Object>(v_);
  }

  // Typed access that cannot fail, for values whose type is not known yet (a request's fields):
  // the content when the value has that type, else nullptr. The as*() accessors above are for
  // values whose type was checked first; on another type they throw.
  //   const Value* image = container.find("image");
  //   if (const Text* s = image ? image->ifString() : nullptr) use(*s);
  //   if (const Array* list = value.ifArray()) for (const Value& e : *list) ...
  const Text* ifString() const { return std::get_if<Text>(&self().v_); }
  const Text* ifNumberText() const {
    const Number* n = std::get_if<Number>(&self().v_);
    return n ? &n->text : nullptr;
  }
  const Array* ifArray() const { return std::get_if<Array>(&self().v_); }
  Array* ifArray() {
    own();
    touch();
    return std::get_if<Array>(&v_);
  }
  const Object* ifObject() const { return std::get_if<Object>(&self().v_); }
  Object* ifObject() {  // like asObject(): the key index is dropped
    own();
    setIndex(nullptr);
    touch();
    return std::get_if<Object>(&v_);
  }

  // The text of a scalar as a user would write it in YAML: strings as-is, numbers as written,
  // booleans "true"/"false", null "null". Empty for arrays and objects.
  std::string scalarText() const;

  // Object member lookup; nullptr when this is not an object or the key is absent.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Object member access that creates: a non-object becomes an empty object first.
  Value& operator[](std::string_view key);
  // Sets or replaces a member; returns it.
  Value& set(std::string_view key, Value v);
  bool erase(std::string_view key);

  // Array helpers; a non-array becomes an empty array first.
  Value& push(Value v);
  std::size_t size() const;  // members or elements; 0 for scalars

  // Whether this value and `other` are one value in memory, or read as one (a lazy copy's
  // unchanged value and its original): then they are equal, without comparing them.
  bool readsAs(const Value& other) const { return &self() == &other.self(); }

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

  // Whether this value may differ from what it was when markUntouched() last cleared it. Every
  // non-const accessor (find, operator[], set, erase, push, asObject, asArray, ifObject,
  // ifArray) marks the value it acts on, and a value can only be reached for change through the
  // non-const accessors of its parents, which mark them: so a changed value and every value above
  // it are touched. diffFromCopy() (json/patch.h) skips the subtrees that are not.
  bool touched() const { return (bits_ & kTouched) != 0; }
  // Whether this value was put here whole (constructed, copied, moved or assigned) since
  // markUntouched(): it is touched, and what it holds may come from elsewhere, so the marks
  // inside it say nothing about this place (a container element shifted by an insert carries
  // its children's marks along). diffFromCopy() compares such a subtree whole.
  bool replaced() const { return (bits_ & kReplaced) != 0; }
  friend void markUntouched(Value& v);  // declared below

 private:
  explicit Value(bool b);
  explicit Value(Number n);
  explicit Value(Text s);
  explicit Value(Array a);
  explicit Value(Object o);

  // A lazy copy's unchanged value is borrowed: it holds null, and its last word is the address of
  // the value it reads as with kBorrowed set, in place of a key index. That original is never a
  // borrowed value itself, except a document's value not built yet (self()).
  bool borrowed() const { return (bits_ & kBorrowed) != 0; }
  // The value this one reads as: itself, or for a borrowed value the original's. The original
  // of a value in a Document (json/document.h) may not be built yet: it is then itself
  // borrowed, from the place in the document's tape it is built from on this first read.
  const Value& self() const {
    if (borrowed()) [[unlikely]] {
      const Value& original = *reinterpret_cast<const Value*>(bits_ & ~kFlags);
      if (original.borrowed()) [[unlikely]]
        buildDeferred(original);
      return original;
    }
    return *this;
  }
  // Builds a document's value that was not built yet (json/document.cc).
  friend void buildDeferred(const Value& unbuilt);
  friend class DeferredBuilder;  // json/document.cc
  // Before a change: a borrowed value becomes a copy of its original's own level (json/value.cc).
  void own() {
    if (borrowed()) [[unlikely]]
      materialize();
  }
  void materialize();
  // Makes `slot` (null, not borrowed) a borrowed, untouched value reading as `original`.
  static void borrowInto(Value& slot, const Value& original);

  // Where each key of a large object sits (open addressing over member positions), so that
  // find() does not scan thousands of members. Built by the parser and by the non-const find()
  // and operator[], which keep it up to date as they add members; the non-const asObject()
  // drops it. The const find() only reads it, so a Value shared by threads is never written.
  struct KeyIndex {
    std::vector<std::uint32_t> slots;  // member position + 1; 0 for an empty slot
    std::uint32_t indexed = 0;         // how many members it covers (from the first)
  };
  friend void indexMembers(Value& object);  // json/value.cc; used by the parser
  const Value* indexedFind(std::string_view key) const;
  const Value* findInOriginal(std::string_view key) const;

  // The key index (or a borrowed value's original) and the touched()/replaced()/borrowed() flags
  // share one word, so that a Value stays 48 bytes: both are aligned to at least 8, and the
  // flags are the pointer's three low bits.
  static constexpr std::uintptr_t kTouched = 1;
  static constexpr std::uintptr_t kReplaced = 2;
  static constexpr std::uintptr_t kMarks = kTouched | kReplaced;
  static constexpr std::uintptr_t kBorrowed = 4;
  static constexpr std::uintptr_t kFlags = kMarks | kBorrowed;
  KeyIndex* index() const {
    return borrowed() ? nullptr : reinterpret_cast<KeyIndex*>(bits_ & ~kFlags);
  }
  void setIndex(KeyIndex* index) {  // takes ownership; deletes the previous one
    delete this->index();
    bits_ = reinterpret_cast<std::uintptr_t>(index) | (bits_ & kMarks);
  }
  void touch() { bits_ |= kTouched; }
  // Moves a member to another slot of the same object, its value's marks kept.
  static void moveMember(Member& from, Member& to);
  // Room for one more member, the members' marks kept (json/value.cc).
  static void reserveMember(Object& o);

  using Content = std::variant<std::monostate, bool, Number, Text, Array, Object>;
  Content v_;
  std::uintptr_t bits_ = kMarks;
};

struct Member {
  Key key;
  Value value;
  friend bool operator==(const Member& a, const Member& b) {
    return a.key == b.key && a.value == b.value;
  }
};

inline Value::Value(Value&& other) noexcept : v_(std::move(other.v_)), bits_(other.bits_ | kMarks) {
  other.bits_ = kMarks;
}
inline Value& Value::operator=(Value&& other) noexcept {
  if (this == &other) return *this;
  // `other` may be inside this value (v = std::move(v["spec"])), destroyed by the assignment of
  // v_: its index is taken first. Between alternatives of one type, the variant's assignment
  // takes the content before it destroys the old one; between different ones it destroys first,
  // so when this value is a container (the only kind that can hold `other`) the content is moved
  // out of `other` before.
  const std::uintptr_t taken = other.bits_;
  other.bits_ = kMarks;
  KeyIndex* old = index();
  if (v_.index() == other.v_.index() || !(isArray() || isObject())) {
    v_ = std::move(other.v_);
  } else {
    Content content(std::move(other.v_));
    v_ = std::move(content);
  }
  delete old;
  bits_ = taken | kMarks;
  return *this;
}
inline Value::~Value() {
  if (bits_ > kFlags && !borrowed()) [[unlikely]]  // most values have neither index nor original
    delete index();
}
inline Value::Value(bool b) : v_(b) {}
inline Value::Value(Number n) : v_(std::move(n)) {}
inline Value::Value(Text s) : v_(std::move(s)) {}
inline Value::Value(Array a) : v_(std::move(a)) {}
inline Value::Value(Object o) : v_(std::move(o)) {}
inline Value Value::null() {
  return Value();
}
inline Value Value::boolean(bool b) {
  return Value(b);
}
inline Value Value::number(Text text) {
  return Value(Number{std::move(text)});
}
inline Value Value::number(std::int64_t n) {
  return Value(Number{Text(std::to_string(n))});
}
inline Value Value::string(Text s) {
  return Value(std::move(s));
}
inline Value Value::array(Array a = {}) {
  return Value(std::move(a));
}
inline Value Value::object(Object o = {}) {
  return Value(std::move(o));
}

// An object of exactly these members, in this order, in storage of its final size: no lookup
// and no regrowth per member, for objects whose names the caller knows to differ.
//   Value term = objectOf(Member{"labelSelector", std::move(sel)},
//                         Member{"topologyKey", Value::string(key)});
template <typename... M>
Value objectOf(M&&... members) {
  Object o;
  o.reserve(sizeof...(M));
  (o.push_back(std::forward<M>(members)), ...);
  return Value::object(std::move(o));
}

// Convenience: a pointer to a nested member, following object keys; nullptr when any is missing.
const Value* dig(const Value& v, std::initializer_list<std::string_view> keys);

// Clears the touched() mark of `v` and of every value in it.
void markUntouched(Value& v);

}  // namespace billet::json
