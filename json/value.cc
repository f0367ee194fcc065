#include "json/value.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>
#include <string_view>
#include <unordered_map>

#include "json/same_key.h"

namespace billet::json {

std::string Value::scalarText() const {
  switch (type()) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return asBool() ? "true" : "false";
    case Type::kNumber:
      return std::string(asNumberText());
    case Type::kString:
      return std::string(asString());
    default:
      return {};
  }
}

namespace {

using detail::sameKey;

// Objects with at least this many members get a key index; smaller ones are scanned, which is
// as fast and costs no memory.
constexpr std::size_t kIndexFrom = 32;

std::size_t hashKey(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

// Records member `pos` in the slots (a power of two, at most half full); a repeated key keeps
// its first position, as a scan would find it.
void insertSlot(std::vector<std::uint32_t>& slots, const Object& o, std::uint32_t pos) {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = hashKey(o[pos].key) & mask;; i = (i + 1) & mask) {
    if (slots[i] == 0) {
      slots[i] = pos + 1;
      return;
    }
    if (o[slots[i] - 1].key == o[pos].key) return;
  }
}

void rebuildSlots(std::vector<std::uint32_t>& slots, const Object& o) {
  std::size_t n = 64;
  while (n < o.size() * 2) n *= 2;
  slots.assign(n, 0);
  for (std::size_t i = 0; i < o.size(); ++i) insertSlot(slots, o, static_cast<std::uint32_t>(i));
}

}  // namespace

void indexMembers(Value& object) {
  if (!object.isObject()) return;
  const Object& o = std::get<Object>(object.v_);
  if (o.size() < kIndexFrom) {
    object.setIndex(nullptr);
    return;
  }
  if (!object.index()) object.setIndex(new Value::KeyIndex());
  Value::KeyIndex& index = *object.index();
  if (index.indexed > o.size() || index.slots.size() < o.size() * 2) {
    rebuildSlots(index.slots, o);
  } else {
    for (std::size_t i = index.indexed; i < o.size(); ++i)
      insertSlot(index.slots, o, static_cast<std::uint32_t>(i));
  }
  index.indexed = static_cast<std::uint32_t>(o.size());
}

// A copy owns everything: a lazy copy's borrowed values are copied from their originals (the
// copy of each member or element resolves its own).
Value::Value(const Value& other) : v_(other.self().v_) {
  // The flags live in the low bits of the index's or the original's address (value.h).
  static_assert(alignof(KeyIndex) > kFlags && alignof(Value) > kFlags);
  if (other.self().index()) setIndex(new KeyIndex(*other.self().index()));
}

Value& Value::operator=(const Value& other) {
  if (this == &other) return *this;
  const Value& from = other.self();
  // Copied before v_ is assigned: `other` may be a member of this value (v = v["spec"]).
  std::unique_ptr<KeyIndex> index =
      from.index() ? std::make_unique<KeyIndex>(*from.index()) : nullptr;
  v_ = from.v_;
  setIndex(index.release());
  bits_ |= kMarks;
  return *this;
}

Value Value::lazyCopyOf(const Value& original) {
  Value copy;
  borrowInto(copy, original);
  return copy;
}

Value Value::copySharingOriginals(const Value& v) {
  Value copy;
  if (v.borrowed()) {
    borrowInto(copy, v);
  } else if (const Object* o = std::get_if<Object>(&v.v_)) {
    Object& members = copy.v_.emplace<Object>();
    members.reserve(o->size());
    for (const Member& m : *o) {
      Member& to = members.emplace_back();
      to.key = m.key;
      to.value = copySharingOriginals(m.value);
    }
    if (v.index()) copy.setIndex(new KeyIndex(*v.index()));
  } else if (const Array* a = std::get_if<Array>(&v.v_)) {
    Array& elements = copy.v_.emplace<Array>();
    elements.reserve(a->size());
    for (const Value& e : *a) elements.emplace_back() = copySharingOriginals(e);
  } else {
    copy.v_ = v.v_;
  }
  copy.bits_ |= kMarks;
  return copy;
}

void Value::borrowInto(Value& slot, const Value& original) {
  // A borrowed original's own original, without reading it: a document's value not built yet
  // stays so until something reads it.
  const std::uintptr_t from =
      original.borrowed() ? original.bits_ & ~kFlags : reinterpret_cast<std::uintptr_t>(&original);
  slot.bits_ = from | kBorrowed;  // untouched
}

// Room for members added to an object copied to be changed, so that the first additions do not
// move every member to larger storage (reserveMember): a mutate rule changes an object by adding
// to it more often than not (a pod spec's tolerations, nodeSelector and affinity; a metadata's
// labels and annotations).
constexpr std::size_t kMaterializeHeadroom = 4;

// One level of the original is copied: scalars whole, containers as members or elements that
// borrow the original's. The marks stay as they were (an unchanged value is untouched); the
// caller is about to touch it.
void Value::materialize() {
  const Value& from = self();
  Content content;
  if (const Object* o = std::get_if<Object>(&from.v_)) {
    // Each member or element is made in its slot (reserved: nothing moves), as moving a Value
    // would mark it replaced. The names are read from the original, which outlives the copy.
    Object& members = content.emplace<Object>();
    members.reserve(o->size() + kMaterializeHeadroom);
    for (const Member& m : *o) {
#if defined(__cpp_aggregate_paren_init)
      Member& to = members.emplace_back(Key::borrowed(m.key));
#else
      Member& to = members.emplace_back();
      to.key = Key::borrowed(m.key);
#endif
      borrowInto(to.value, m.value);
    }
  } else if (const Array* a = std::get_if<Array>(&from.v_)) {
    Array& elements = content.emplace<Array>();
    elements.reserve(a->size());
    for (const Value& e : *a) borrowInto(elements.emplace_back(), e);
  } else {
    content = from.v_;
  }
  KeyIndex* index = from.index() ? new KeyIndex(*from.index()) : nullptr;  // same member order
  v_ = std::move(content);
  bits_ = reinterpret_cast<std::uintptr_t>(index) | (bits_ & kMarks);
}

const Value* Value::indexedFind(std::string_view key) const {
  const Object& o = std::get<Object>(v_);
  const std::vector<std::uint32_t>& slots = index()->slots;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = hashKey(key) & mask; slots[i] != 0; i = (i + 1) & mask) {
    const Member& m = o[slots[i] - 1];
    if (sameKey(m.key, key)) return &m.value;
  }
  return nullptr;
}

// find() of a value whose original is a document's value not built yet: self() builds it.
// Out of line, so that find() reaches it by a jump and its own path calls nothing and saves no
// registers.
[[gnu::noinline]] const Value* Value::findInOriginal(std::string_view key) const {
  return self().find(key);
}

const Value* Value::find(std::string_view key) const {
  // self(), with its rare case (building) out of line.
  const Value* v = this;
  if (borrowed()) {
    v = reinterpret_cast<const Value*>(bits_ & ~kFlags);
    if (v->borrowed()) [[unlikely]]
      return findInOriginal(key);
  }
  const Object* found = std::get_if<Object>(&v->v_);
  if (!found) return nullptr;
  const Object& o = *found;
  if (const KeyIndex* i = v->index(); i && i->indexed == o.size()) [[unlikely]]
    return v->indexedFind(key);
  for (const Member& m : o)
    if (sameKey(m.key, key)) return &m.value;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  own();
  touch();
  if (!isObject()) return nullptr;
  const Object& o = std::get<Object>(v_);
  if (o.size() >= kIndexFrom) {
    if (!index() || index()->indexed != o.size()) indexMembers(*this);
    return const_cast<Value*>(indexedFind(key));
  }
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

// Room for one more member of `o`. Grown here rather than by push_back, so that the members keep
// their values' marks (see moveMember).
void Value::reserveMember(Object& o) {
  if (o.size() < o.capacity()) return;
  Object grown;
  grown.reserve(o.empty() ? 4 : o.size() * 2);
  // Move-constructed in place (moveMember assigns over a member made first: twice the work).
  for (Member& m : o) {
    const std::uintptr_t marks = m.value.bits_ & kMarks;
    Member& to = grown.emplace_back(std::move(m));
    to.value.bits_ = (to.value.bits_ & ~kMarks) | marks;
  }
  o.swap(grown);
}

Value& Value::operator[](std::string_view key) {
  own();
  touch();
  if (!isObject()) {
    v_ = Object{};
    setIndex(nullptr);
  }
  if (Value* v = find(key)) return *v;
  Object& o = std::get<Object>(v_);  // not asObject(): the index stays, extended below
  reserveMember(o);
  o.emplace_back().key.assign(key.data(), key.size());
  if (index()) indexMembers(*this);
  return o.back().value;
}

Value& Value::set(std::string_view key, Value v) {
  own();
  touch();
  if (!isObject()) {
    v_ = Object{};
    setIndex(nullptr);
  }
  if (Value* cur = find(key)) return *cur = std::move(v);
  // A new member is made with its value in place: no null to assign over (most calls build
  // objects member by member, and the assignment cost as much as the rest of the call).
  Object& o = std::get<Object>(v_);
  reserveMember(o);
  Member& m = o.emplace_back();
  m.key.assign(key.data(), key.size());
  // What the move constructor does, on the null value in place (its content is trivial).
  ::new (static_cast<void*>(&m.value.v_)) Content(std::move(v.v_));
  m.value.bits_ = v.bits_ | kMarks;
  v.bits_ = kMarks;
  if (index()) indexMembers(*this);
  return m.value;
}

bool Value::erase(std::string_view key) {
  if (!isObject()) return false;
  Object& o = asObject();
  auto it = std::find_if(o.begin(), o.end(), [&](const Member& m) { return sameKey(m.key, key); });
  if (it == o.end()) return false;
  for (auto next = it + 1; next != o.end(); ++it, ++next) moveMember(*next, *it);
  o.pop_back();
  return true;
}

void Value::moveMember(Member& from, Member& to) {
  // An object is compared by key (json::diff), and the value moves with its key: its marks, and
  // those inside it, still describe it. A Value's own move marks it replaced, as an array
  // element moved to another index must be.
  const std::uintptr_t marks = from.value.bits_ & kMarks;
  to = std::move(from);
  to.value.bits_ = (to.value.bits_ & ~kMarks) | marks;
}

Value& Value::push(Value v) {
  own();
  if (!isArray()) {
    v_ = Array{};
    setIndex(nullptr);
  }
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
bool operator==(const Value& lhs, const Value& rhs) {
  if (lhs.readsAs(rhs)) return true;
  const Value& a = lhs.self();
  const Value& b = rhs.self();
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

void markUntouched(Value& v) {
  v.bits_ &= ~Value::kMarks;
  if (Array* a = std::get_if<Array>(&v.v_)) {
    for (Value& e : *a) markUntouched(e);
  } else if (Object* o = std::get_if<Object>(&v.v_)) {
    for (Member& m : *o) markUntouched(m.value);
  }
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
