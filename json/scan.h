// The first pass of json::parse and json::parseDeferred (internal to json/): a validating scan of
// the text into a flat list of tokens, from which the second pass builds values (json/parse.cc,
// json/document.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace billet::json::detail {

enum class Kind : std::uint8_t {
  kNull,
  kTrue,
  kFalse,
  kNumber,
  kString,
  kDecoded,
  kArray,
  kObject
};

// One scanned value, or one object key (always kString or kDecoded). Containers are followed by
// their children; an object's children alternate key, value.
struct Token {
  Kind kind;
  std::uint32_t a;  // kNumber, kString: offset in the input; kDecoded: offset in `decoded`;
                    // kArray, kObject: number of elements or members
  std::uint32_t b;  // kNumber, kString, kDecoded: length; kArray, kObject with children: the
                    // index of the first token after the last of them
};

// A stack of trivially copyable entries that keeps its storage from one parse to the next and
// is written through a cursor, so that a push compiles to a compare and a few stores.
template <class T>
class Stack {
 public:
  Stack() = default;
  Stack(const Stack&) = delete;  // the cursor points into this stack's own storage
  Stack& operator=(const Stack&) = delete;
  std::size_t size() const { return static_cast<std::size_t>(top_ - items_.data()); }
  bool empty() const { return top_ == items_.data(); }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& back() { return top_[-1]; }
  const T* data() const { return items_.data(); }
  void pop() { --top_; }
  [[gnu::always_inline]] T& push() {
    if (top_ == limit_) [[unlikely]]
      grow();
    return *top_++;
  }
  // Forgets the entries; drops the storage when one huge document made it large.
  void reset() {
    if (items_.size() > 16384) std::vector<T>().swap(items_);
    top_ = items_.data();
    limit_ = top_ + items_.size();
  }

 private:
  [[gnu::noinline]] void grow() {
    const std::size_t used = size();
    items_.resize(items_.empty() ? 256 : items_.size() * 2);
    top_ = items_.data() + used;
    limit_ = items_.data() + items_.size();
  }
  std::vector<T> items_;
  T* top_ = nullptr;
  T* limit_ = nullptr;
};

struct ScanFrame {
  std::uint32_t token;  // the container's token
  std::uint32_t count;  // children so far, written when a child container opens
  bool object;
};

// Per-thread bookkeeping, so that scanning allocates nothing after warm-up.
struct ScanScratch {
  Stack<Token> tokens;
  Stack<ScanFrame> frames;
  std::string decoded;  // the content of strings with escapes, one after another

  void reset() {
    tokens.reset();
    frames.reset();
    decoded.clear();
    if (decoded.capacity() > 65536) std::string().swap(decoded);
  }
};

// This thread's scratch; reset it after each use.
ScanScratch& threadScanScratch();

// Validates `text` (at most `maxDepth` nested containers and `maxValues` values) and records its
// tokens in `scratch`, offsets into `text`. On failure returns false with a one-line error.
// `containers` is the number of objects and arrays with at least one member or element.
bool scan(std::string_view text, int maxDepth, std::size_t maxValues, ScanScratch& scratch,
          std::string& error, std::size_t& containers);

// How many '\0' bytes must follow a text given to scanPadded().
inline constexpr std::size_t kScanPadding = 32;

// scan() of a text followed in memory by kScanPadding '\0' bytes (a copy the caller made, as
// parseDeferred does): the same tokens and the same errors, but reading ahead needs no bounds
// checks, since a '\0' can neither close nor continue a token. Strings are searched 16 bytes at
// a time to their end, and the shapes after a value are tested without first measuring what
// is left (about 2.5 % of a review's instructions).
bool scanPadded(std::string_view text, int maxDepth, std::size_t maxValues, ScanScratch& scratch,
                std::string& error, std::size_t& containers);

}  // namespace billet::json::detail
