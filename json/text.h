// billet::json::Text — the bytes of a member's name (json::Key) or of a string or number value.
//
// A document parsed with json::parseDeferred reads its names and scalars in place, from the
// Document's own copy of the text: building an object level copies no name and no string (a
// review's object levels are built as they are read; copying their names was about 5,000
// instructions a review, and copying their strings and numbers, each a call to memcpy and some
// of them a heap allocation, about as many again). Every other Text is owned: up to 19 bytes
// inside it, longer ones on the heap.
//
// A copy always owns what it holds, as a copy of a Value owns what it holds; a move keeps what
// it moves. So a Text borrowed from a Document is valid as long as the Document, which is the
// rule for every value read from one (json/document.h), and a Document's values are only read
// through const references: whatever is taken out of one is a copy, and owns its bytes.
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

class Text {
 public:
  Text() noexcept : data_(inline_) {}
  // Implicit, as std::string's are: Member{"op", ...}, Member{name, ...}.
  Text(std::string_view s) : data_(inline_) { own(s); }      // NOLINT(google-explicit-constructor)
  Text(const char* s) : Text(std::string_view(s)) {}         // NOLINT(google-explicit-constructor)
  Text(const std::string& s) : Text(std::string_view(s)) {}  // NOLINT(google-explicit-constructor)
  // A Text that reads `s` in place: `s` must outlive it and every Text moved from it.
  static Text borrowed(std::string_view s) noexcept { return Text(s, Borrow{}); }

  Text(const Text& other) : data_(inline_) { own(other.view()); }
  Text(Text&& other) noexcept { take(other); }
  Text& operator=(const Text& other) {
    if (this != &other) assign(other.data_, other.size_);
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  // One per kind of operand, as for comparisons below: a conversion to Text would be ambiguous.
  Text& operator=(std::string_view s) {
    assign(s.data(), s.size());
    return *this;
  }
  Text& operator=(const std::string& s) { return *this = std::string_view(s); }
  Text& operator=(const char* s) { return *this = std::string_view(s); }
  ~Text() { release(); }

  // Replaces the bytes with an owned copy of [s, s + n), which may be part of these bytes.
  void assign(const char* s, std::size_t n) {
    Text copy(std::string_view(s, n));
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
  // Whether the bytes are read in place from a Document's text (for tests).
  bool isBorrowed() const { return storage_ == Storage::kBorrowed; }

  // One overload per kind of operand, so that none needs a conversion (which would make a
  // comparison with std::string ambiguous between string_view and Text).
  friend bool operator==(const Text& a, const Text& b) { return a.view() == b.view(); }
  friend bool operator==(const Text& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const Text& a, const Text& b) {
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(const Text& a, std::string_view b) {
    return a.view() <=> b;
  }

 private:
  static constexpr std::size_t kInline = 19;
  enum class Storage : std::uint8_t { kInline, kHeap, kBorrowed };
  struct Borrow {};  // selects the constructor that reads its bytes in place

  // Takes a copy of `s` (this Text holds nothing yet).
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
  // Takes what `other` holds, leaving it empty (this Text holds nothing yet). The whole inline
  // buffer is copied, a fixed size (two moves) rather than a call: its bytes past size_ may never
  // have been set, and are never read, which GCC cannot see.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
  void take(Text& other) noexcept {
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
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  void release() noexcept {
    if (storage_ == Storage::kHeap) delete[] data_;
  }

  // A borrowed Text, built where it is returned (no move, no copy of an unset inline buffer).
  Text(std::string_view s, Borrow) noexcept
      : data_(s.data()),
        size_(static_cast<std::uint32_t>(s.size())),
        storage_(Storage::kBorrowed) {}

  const char* data_;
  std::uint32_t size_ = 0;
  Storage storage_ = Storage::kInline;
  char inline_[kInline];
};

static_assert(sizeof(Text) == 32, "a Text is the size of the std::string it replaced");

// The name of an object member.
using Key = Text;

}  // namespace billet::json
