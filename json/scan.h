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
// is written through a plain index, so that a push compiles to a compare and a few stores.
template <class T>
class Stack {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& back() { return items_[size_ - 1]; }
  const T* data() const { return items_.data(); }
  void pop() { --size_; }
  [[gnu::always_inline]] T& push() {
    if (size_ == capacity_) grow();
    return items_[size_++];
  }
  // Forgets the entries; drops the storage when one huge document made it large.
  void reset() {
    size_ = 0;
    if (capacity_ > 16384) {
      std::vector<T>().swap(items_);
      capacity_ = 0;
    }
  }

 private:
  [[gnu::noinline]] void grow() {
    items_.resize(items_.empty() ? 256 : items_.size() * 2);
    capacity_ = items_.size();
  }
  std::vector<T> items_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
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

}  // namespace billet::json::detail
