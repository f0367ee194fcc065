// billet::json::Key — the name of an object member.
//
// A document parsed with json::parseDeferred names its members in place, from the Document's own
// copy of the text: building an object level copies no name (a review's object levels are built
// as they are read, and copying their names, each a call to memcpy and some of them a heap
// allocation, was about 5,000 instructions a review). Every other name is owned: up to 19 bytes
// inside the Key, longer ones on the heap.
//
// A copy always owns what it names, as a copy of a Value owns what it holds; a move keeps what
// it moves. So a name borrowed from a Document is valid as long as the Document, which is the
// rule for every value read from one (json/document.h), and a Document's values are only read
// through const references: whatever is taken out of one is a copy, and owns its names.
//
//   Member m{"op", Value::string("add")};   // owned, inline
//   std::string_view name = m.key;          // a view of the bytes
//   if (m.key == "metadata") ...
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace billet::json {

class Key {
 public:
  Key() noexcept : data_(inline_) {}
  // Implicit, as std::string's are: Member{"op", ...}, Member{name, ...}.
  Key(std::string_view s) : data_(inline_) { own(s); }     // NOLINT(google-explicit-constructor)
  Key(const char* s) : Key(std::string_view(s)) {}         // NOLINT(google-explicit-constructor)
  Key(const std::string& s) : Key(std::string_view(s)) {}  // NOLINT(google-explicit-constructor)
  // A name that reads `s` in place: `s` must outlive the Key and every Key moved from it.
  static Key borrowed(std::string_view s) noexcept {
    Key k;
    k.data_ = s.data();
    k.size_ = static_cast<std::uint32_t>(s.size());
    k.storage_ = Storage::kBorrowed;
    return k;
  }

  Key(const Key& other) : data_(inline_) { own(other.view()); }
  Key(Key&& other) noexcept { take(other); }
  Key& operator=(const Key& other) {
    if (this != &other) assign(other.data_, other.size_);
    return *this;
  }
  Key& operator=(Key&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  // One per kind of operand, as for comparisons below: a conversion to Key would be ambiguous.
  Key& operator=(std::string_view s) {
    assign(s.data(), s.size());
    return *this;
  }
  Key& operator=(const std::string& s) { return *this = std::string_view(s); }
  Key& operator=(const char* s) { return *this = std::string_view(s); }
  ~Key() { release(); }

  // Replaces the name with an owned copy of [s, s + n), which may be part of this name.
  void assign(const char* s, std::size_t n) {
    Key copy(std::string_view(s, n));
    *this = std::move(copy);
  }

  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  char front() const { return data_[0]; }
  char back() const { return data_[size_ - 1]; }
  const char* begin() const { return data_; }
  const char* end() const { return data_ + size_; }
  std::string_view view() const { return std::string_view(data_, size_); }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(data_, size_); }
  // Whether the name reads a Document's text in place (for tests).
  bool isBorrowed() const { return storage_ == Storage::kBorrowed; }

  // One overload per kind of operand, so that none needs a conversion (which would make a
  // comparison with std::string ambiguous between string_view and Key).
  friend bool operator==(const Key& a, const Key& b) { return a.view() == b.view(); }
  friend bool operator==(const Key& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Key& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const Key& a, const char* b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const Key& a, const Key& b) {
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(const Key& a, std::string_view b) {
    return a.view() <=> b;
  }

 private:
  static constexpr std::size_t kInline = 19;
  enum class Storage : std::uint8_t { kInline, kHeap, kBorrowed };

  // Takes a copy of `s` (this Key holds nothing yet).
  void own(std::string_view s) {
    size_ = static_cast<std::uint32_t>(s.size());
    if (s.size() <= kInline) {
      std::memcpy(inline_, s.data(), s.size());
      data_ = inline_;
      storage_ = Storage::kInline;
    } else {
      char* heap = new char[s.size()];
      std::memcpy(heap, s.data(), s.size());
      data_ = heap;
      storage_ = Storage::kHeap;
    }
  }
  // Takes what `other` holds, leaving it empty (this Key holds nothing yet).
  void take(Key& other) noexcept {
    size_ = other.size_;
    storage_ = other.storage_;
    if (storage_ == Storage::kInline) {
      std::memcpy(inline_, other.inline_, kInline);
      data_ = inline_;
    } else {
      data_ = other.data_;
    }
    other.data_ = other.inline_;
    other.size_ = 0;
    other.storage_ = Storage::kInline;
  }
  void release() noexcept {
    if (storage_ == Storage::kHeap) delete[] data_;
  }

  const char* data_;
  std::uint32_t size_ = 0;
  Storage storage_ = Storage::kInline;
  char inline_[kInline];
};

static_assert(sizeof(Key) == 32, "a Key is the size of the std::string it replaced");

}  // namespace billet::json
