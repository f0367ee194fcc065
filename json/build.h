// What json::parse and json::parseDeferred share to build values from scanned tokens (internal
// to json/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/scan.h"
#include "json/value.h"

namespace billet::json::detail {

// Objects up to this many members are checked for duplicate keys as each key arrives (a 64-bit
// filter in front of a linear scan); larger objects are checked once when they are complete, by
// sorting, so a hostile object with many members costs O(n log n), not O(n^2).
constexpr std::size_t kInlineDuplicateCheck = 32;

inline std::uint64_t keyBit(std::string_view key) {
  if (key.empty()) return 1;
  const std::size_t h = key.size() * 31 + static_cast<unsigned char>(key.front()) * 7 +
                        static_cast<unsigned char>(key.back()) * 13;
  return std::uint64_t{1} << (h & 63);
}

// Removes duplicate keys: the first occurrence keeps its position and takes the value of the
// last occurrence.
inline void dedupeObject(Object& members) {
  const std::size_t n = members.size();
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return members[a].key < members[b].key;
  });
  std::vector<bool> drop;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && members[order[j]].key == members[order[i]].key) ++j;
    if (j - i > 1) {
      if (drop.empty()) drop.assign(n, false);
      // stable_sort keeps equal keys in input order: order[i] is first, order[j - 1] last.
      members[order[i]].value = std::move(members[order[j - 1]].value);
      for (std::size_t k = i + 1; k < j; ++k) drop[order[k]] = true;
    }
    i = j;
  }
  if (drop.empty()) return;
  std::size_t out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (drop[i]) continue;
    if (out != i) members[out] = std::move(members[i]);
    ++out;
  }
  members.resize(out);
}

// Every value is constructed in its slot, which holds null (a new element or member, or the
// root): `BILLET_FILL(slot, Value::string(StringFrom{text}))` initializes it straight from the
// factory's result, with no move-assignment and no temporary to destroy. The factory's argument
// (the only part that allocates, so the only part that can throw) is built before anything is
// written to the slot, so a slot is never left half-built.
#define BILLET_FILL(slot, prvalue) ::new (static_cast<void*>(slot)) Value(prvalue)

// The slot for the value of member `key`: a new member, or the earlier one for a repeated key.
// `keyFilter` has one bit per key hash seen so far in the object. A new member's name reads
// `key` in place when `borrow` (a Document's build: its text outlives its values), else owns a
// copy. Inlined into the builds' member loops, as fillScalar is: out of line, each call's saved
// registers cost 2,000 instructions a review.
[[gnu::always_inline]] inline Value* memberSlot(Object& members, std::uint64_t& keyFilter,
                                                std::string_view key, bool borrow) {
  if (members.size() < kInlineDuplicateCheck) {
    const std::uint64_t bit = keyBit(key);
    if (keyFilter & bit) {
      for (Member& m : members) {
        if (m.key == key) {
          m.value = Value();
          return &m.value;
        }
      }
    }
    keyFilter |= bit;
  }
  // Capacity was reserved for every member, so this never reallocates: earlier slots stay put.
#if defined(__cpp_aggregate_paren_init)
  return &members.emplace_back(borrow ? Key::borrowed(key) : Key(key)).value;
#else
  Member& m = members.emplace_back();
  m.key = borrow ? Key::borrowed(key) : Key(key);
  return &m.value;
#endif
}

inline std::string_view stringOf(const Token& t, const char* text, const char* decoded) {
  return std::string_view(t.kind == Kind::kString ? text + t.a : decoded + t.a, t.b);
}

// Fills `slot` (null) with the scalar of token `t`. A string or number reads its bytes in place
// when `borrow` (a Document's build, as memberSlot's names do), else owns a copy.
[[gnu::always_inline]] inline void fillScalar(Value* slot, const Token& t, const char* text,
                                              const char* decoded, bool borrow) {
  switch (t.kind) {
    case Kind::kNull:
      break;  // the slot already holds null
    case Kind::kTrue:
      BILLET_FILL(slot, Value::boolean(true));
      break;
    case Kind::kFalse:
      BILLET_FILL(slot, Value::boolean(false));
      break;
    case Kind::kNumber: {
      const std::string_view number(text + t.a, t.b);
      BILLET_FILL(slot, Value::number(borrow ? Text::borrowed(number) : Text(number)));
      break;
    }
    case Kind::kString:
    case Kind::kDecoded: {
      const std::string_view string = stringOf(t, text, decoded);
      BILLET_FILL(slot, Value::string(borrow ? Text::borrowed(string) : Text(string)));
      break;
    }
    case Kind::kArray:
    case Kind::kObject:
      break;  // not scalars: the callers build them
  }
}

// What both parses share around their build: the size the tokens' offsets can address, and
// allocation failures (a document too large for memory) turned into errors. `build(result)`
// scans and builds into `result`, or sets its error.
template <class Build>
base::Result<Value> guardedParse(std::string_view text, Build&& build) {
  base::Result<Value> result;
  if (text.size() >= std::uint32_t{0xFFFFFFFF}) {
    result.error = "invalid JSON: document larger than 4 GiB";
    return result;
  }
  try {
    build(result);
  } catch (const std::bad_alloc&) {
    result.value = Value();
    result.error = "invalid JSON: document too large (out of memory)";
  } catch (const std::length_error&) {
    result.value = Value();
    result.error = "invalid JSON: document too large";
  }
  return result;
}

}  // namespace billet::json::detail
