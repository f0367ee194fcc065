// JSON parsing in two passes over the input: a validating scan that records a flat token list,
// then a build of the json::Value tree from it.
//
// Why not simdjson's DOM: billet keeps number text exactly as written (json::Number), and the
// DOM only hands back int64/uint64/double. Building the Value tree dominates the cost either way:
// on the 3.7 KB AdmissionReview sample this parser takes about 5 us, the same as simdjson's DOM
// parse followed by a walk into Value (simdjson alone takes about 1 us), and keeps the text.
// bench/json_parse_benchmark.cc measures both.
//
// Design notes:
//   - The scan knows every container's size before the build starts, so each object and array
//     is allocated once at its exact size and its members are constructed in place: no regrowth,
//     no moves. (A single pass that grows vectors measured about 20% slower.)
//   - Both passes keep open containers on explicit stacks, so hostile nesting cannot overflow
//     the C++ stack; `maxDepth` bounds the tree that the rest of billet recurses over.
//   - Strings are scanned 16 bytes at a time (SSE2; 8 with plain integer arithmetic elsewhere)
//     for the bytes that need attention: quote, backslash, control characters and non-ASCII.
//     Non-ASCII sequences are validated as UTF-8 (no overlong forms, surrogates, or code points
//     above U+10FFFF). Strings with escapes are decoded once, during the scan.
//   - Duplicate object keys: the LAST value wins, kept at the position of the FIRST occurrence
//     (Kubernetes' decoder keeps the last value, and JavaScript orders keys the same way).
#include "json/parse.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billet::json {
namespace {

using Byte = unsigned char;

// Objects up to this many members are checked for duplicate keys as each key arrives (a 64-bit
// filter in front of a linear scan); larger objects are checked once when they close, by
// sorting, so a hostile object with many members costs O(n log n), not O(n^2).
constexpr std::size_t kInlineDuplicateCheck = 32;

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline std::uint64_t hasZeroByte(std::uint64_t x) {
  return (x - kOnes) & ~x & kHighs;
}

inline bool isSpecial(Byte c) {
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

// The first byte in [p, end) that is '"', '\\', a control character or non-ASCII; `end` if none.
inline const Byte* findSpecial(const Byte* p, const Byte* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches non-ASCII.
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t hit = hasZeroByte(w ^ (kOnes * '"')) | hasZeroByte(w ^ (kOnes * '\\')) |
                              ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs);
    if (hit != 0) break;  // the byte loop below finds which byte
    p += 8;
  }
  while (p < end && !isSpecial(*p)) ++p;
  return p;
}

constexpr std::uint64_t kWhitespace = (std::uint64_t{1} << ' ') | (std::uint64_t{1} << '\n') |
                                      (std::uint64_t{1} << '\r') | (std::uint64_t{1} << '\t');
inline bool isWhitespace(Byte c) {
  return c <= ' ' && ((kWhitespace >> c) & 1) != 0;
}
inline bool isDigit(Byte c) {
  return c >= '0' && c <= '9';
}

inline int hexValue(Byte c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {
    const char b[3] = {static_cast<char>(0xE0 | (cp >> 12)),
                       static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    const char b[4] = {
        static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

inline std::uint64_t keyBit(std::string_view key) {
  if (key.empty()) return 1;
  const std::size_t h =
      key.size() * 31 + static_cast<Byte>(key.front()) * 7 + static_cast<Byte>(key.back()) * 13;
  return std::uint64_t{1} << (h & 63);
}

// Removes duplicate keys: the first occurrence keeps its position and takes the value of the
// last occurrence.
void dedupeObject(Object& members) {
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

// Converts to std::string, so that a Member's key is constructed in place from the input span.
struct StringFrom {
  std::string_view text;
  operator std::string() const { return std::string(text); }  // NOLINT: implicit on purpose
};

// Every value is constructed in its slot, which holds null (a new element or member, or the
// root): `BILLET_FILL(slot, Value::string(StringFrom{text}))` initializes it straight from the
// factory's result, with no move-assignment and no temporary to destroy. The factory's argument
// (the only part that allocates, so the only part that can throw) is built before anything is
// written to the slot, so a slot is never left half-built.
#define BILLET_FILL(slot, prvalue) ::new (static_cast<void*>(slot)) Value(prvalue)

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
  std::uint32_t b;  // kNumber, kString, kDecoded: length
};

struct ScanFrame {
  std::uint32_t token;  // the container's token
  std::uint32_t count;  // children so far
  bool object;
};

struct BuildFrame {
  Value* container;
  Object* members;          // the container's, when it is an object
  Array* elements;          // the container's, when it is an array
  std::uint32_t remaining;  // children still to build
  std::uint64_t keyFilter;  // objects: one bit per key hash seen so far
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

// Per-thread bookkeeping, so that parsing allocates nothing but the Value tree after warm-up.
struct Scratch {
  Stack<Token> tokens;
  Stack<ScanFrame> scanFrames;
  Stack<BuildFrame> buildFrames;
  std::string decoded;  // the content of strings with escapes, one after another

  void reset() {
    tokens.reset();
    scanFrames.reset();
    buildFrames.reset();
    decoded.clear();
    if (decoded.capacity() > 65536) std::string().swap(decoded);
  }
};

// Pass 1: validates the text and records its tokens.
class Scanner {
 public:
  Scanner(std::string_view text, int maxDepth, std::size_t maxValues, Scratch& scratch)
      : begin_(reinterpret_cast<const Byte*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()),
        maxDepth_(maxDepth),
        maxValues_(maxValues),
        tokens_(scratch.tokens),
        frames_(scratch.scanFrames),
        decoded_(scratch.decoded) {}

  bool run();
  std::string& error() { return error_; }

 private:
  std::size_t offset(const Byte* at) const { return static_cast<std::size_t>(at - begin_); }
  std::uint32_t offset32(const Byte* at) const { return static_cast<std::uint32_t>(at - begin_); }

  bool fail(std::string_view what, const Byte* at) {
    error_ = "invalid JSON: ";
    error_ += what;
    error_ += " at byte ";
    error_ += std::to_string(offset(at));
    return false;
  }
  bool failUnexpected(const Byte* at);
  bool failDepth() {
    error_ = "JSON nesting deeper than " + std::to_string(maxDepth_);
    return false;
  }
  bool failTooLarge() {
    error_ = "document too large: more than " + std::to_string(maxValues_) + " values";
    return false;
  }

  void skipWhitespace() {
    // Most tokens are followed directly by the next one (the API server's JSON), or by one
    // space (", " and ": ", as many encoders write them).
    if (p_ < end_ && *p_ > ' ') [[likely]]
      return;
    if (end_ - p_ >= 2 && p_[0] == ' ' && p_[1] > ' ') {
      ++p_;
      return;
    }
    while (p_ < end_ && isWhitespace(*p_)) ++p_;
  }

  // Inlined into the scan loop: they run for every key and string, and the calls' saved
  // registers cost about 10% of a review's parse (82k → 74k instructions on the sample).
  [[gnu::always_inline]] bool scanString();
  bool scanEscapedTail(const Byte* quote, const Byte* start);
  bool decodeEscape(const Byte* quote);
  bool readHex4(const Byte* at, std::uint32_t& cp) const;
  bool validateUtf8Sequence();
  bool scanNumber();
  bool scanLiteral();
  [[gnu::always_inline]] bool scanKey();

  const Byte* begin_;
  const Byte* p_;
  const Byte* end_;
  int maxDepth_;
  std::size_t maxValues_;
  std::size_t values_ = 0;
  void emit(Kind kind, std::uint32_t a, std::uint32_t b) {
    Token& t = tokens_.push();
    t.kind = kind;
    t.a = a;
    t.b = b;
  }

  Stack<Token>& tokens_;
  Stack<ScanFrame>& frames_;
  std::string& decoded_;
  std::string error_;
};

bool Scanner::failUnexpected(const Byte* at) {
  if (at >= end_) return fail("unexpected end of input", at);
  const Byte c = *at;
  std::string what;
  if (c >= 0x20 && c < 0x7F) {
    what = "unexpected character '";
    what.push_back(static_cast<char>(c));
    what.push_back('\'');
  } else {
    static constexpr char kHex[] = "0123456789ABCDEF";
    what = "unexpected byte 0x";
    what.push_back(kHex[c >> 4]);
    what.push_back(kHex[c & 15]);
  }
  return fail(what, at);
}

// Validates one multi-byte UTF-8 sequence starting at p_ (a byte >= 0x80) and advances past it.
bool Scanner::validateUtf8Sequence() {
  const Byte c = *p_;
  std::ptrdiff_t continuation;
  Byte lo = 0x80;
  Byte hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    continuation = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    continuation = 2;
    if (c == 0xE0)
      lo = 0xA0;  // no overlong forms
    else if (c == 0xED)
      hi = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    continuation = 3;
    if (c == 0xF0)
      lo = 0x90;  // no overlong forms
    else if (c == 0xF4)
      hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return fail("invalid UTF-8", p_);
  }
  if (end_ - p_ <= continuation) return fail("invalid UTF-8", p_);
  if (p_[1] < lo || p_[1] > hi) return fail("invalid UTF-8", p_);
  for (std::ptrdiff_t i = 2; i <= continuation; ++i)
    if ((p_[i] & 0xC0) != 0x80) return fail("invalid UTF-8", p_);
  p_ += continuation + 1;
  return true;
}

// p_ is just past the opening quote. On success p_ is just past the closing quote and the
// string's token is recorded.
inline bool Scanner::scanString() {
  const Byte* const quote = p_ - 1;
  const Byte* const start = p_;
  const Byte* p = p_;
  for (;;) {
    p = findSpecial(p, end_);
    if (p < end_ && *p == '"') {  // the common case: the closing quote
      emit(Kind::kString, offset32(start), offset32(p) - offset32(start));
      p_ = p + 1;
      return true;
    }
    p_ = p;
    if (p >= end_) return fail("unclosed string", quote);
    const Byte c = *p;
    if (c == '\\') return scanEscapedTail(quote, start);
    if (c < 0x20) return fail("control character in string", p);
    if (!validateUtf8Sequence()) return false;
    p = p_;
  }
}

// The slow path once a string holds an escape: p_ is at the first backslash. The content is
// decoded onto the end of decoded_.
bool Scanner::scanEscapedTail(const Byte* quote, const Byte* start) {
  const std::size_t first = decoded_.size();
  decoded_.append(reinterpret_cast<const char*>(start), offset(p_) - offset(start));
  for (;;) {
    const Byte* run = p_;
    p_ = findSpecial(p_, end_);
    decoded_.append(reinterpret_cast<const char*>(run), offset(p_) - offset(run));
    if (p_ >= end_) return fail("unclosed string", quote);
    const Byte c = *p_;
    if (c == '"') {
      emit(Kind::kDecoded, static_cast<std::uint32_t>(first),
           static_cast<std::uint32_t>(decoded_.size() - first));
      ++p_;
      return true;
    }
    if (c == '\\') {
      if (!decodeEscape(quote)) return false;
    } else if (c < 0x20) {
      return fail("control character in string", p_);
    } else {
      const Byte* seq = p_;
      if (!validateUtf8Sequence()) return false;
      decoded_.append(reinterpret_cast<const char*>(seq), offset(p_) - offset(seq));
    }
  }
}

bool Scanner::readHex4(const Byte* at, std::uint32_t& cp) const {
  if (end_ - at < 4) return false;
  cp = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = hexValue(at[i]);
    if (h < 0) return false;
    cp = (cp << 4) | static_cast<std::uint32_t>(h);
  }
  return true;
}

// p_ is at a backslash; appends the unescaped character to decoded_ and advances past it.
bool Scanner::decodeEscape(const Byte* quote) {
  const Byte* at = p_;
  if (end_ - p_ < 2) return fail("unclosed string", quote);
  char c;
  switch (p_[1]) {
    case '"':
      c = '"';
      break;
    case '\\':
      c = '\\';
      break;
    case '/':
      c = '/';
      break;
    case 'b':
      c = '\b';
      break;
    case 'f':
      c = '\f';
      break;
    case 'n':
      c = '\n';
      break;
    case 'r':
      c = '\r';
      break;
    case 't':
      c = '\t';
      break;
    case 'u': {
      std::uint32_t cp;
      if (!readHex4(p_ + 2, cp)) return fail("invalid \\u escape", at);
      p_ += 6;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("unpaired surrogate in \\u escape", at);
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        std::uint32_t low;
        if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u' || !readHex4(p_ + 2, low) ||
            low < 0xDC00 || low > 0xDFFF)
          return fail("unpaired surrogate in \\u escape", at);
        p_ += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
      appendUtf8(decoded_, cp);
      return true;
    }
    default:
      return fail("invalid escape", at);
  }
  decoded_.push_back(c);
  p_ += 2;
  return true;
}

bool Scanner::scanNumber() {
  const Byte* start = p_;
  if (*p_ == '-') ++p_;
  if (p_ >= end_ || !isDigit(*p_)) return fail("invalid number", start);
  if (*p_ == '0') {
    ++p_;
    if (p_ < end_ && isDigit(*p_)) return fail("invalid number (leading zero)", start);
  } else {
    while (p_ < end_ && isDigit(*p_)) ++p_;
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ >= end_ || !isDigit(*p_)) return fail("invalid number", start);
    while (p_ < end_ && isDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_ || !isDigit(*p_)) return fail("invalid number", start);
    while (p_ < end_ && isDigit(*p_)) ++p_;
  }
  emit(Kind::kNumber, offset32(start), offset32(p_) - offset32(start));
  return true;
}

bool Scanner::scanLiteral() {
  const std::size_t left = offset(end_) - offset(p_);
  const char* s = reinterpret_cast<const char*>(p_);
  if (*p_ == 't' && left >= 4 && std::memcmp(s, "true", 4) == 0) {
    emit(Kind::kTrue, 0, 0);
    p_ += 4;
  } else if (*p_ == 'f' && left >= 5 && std::memcmp(s, "false", 5) == 0) {
    emit(Kind::kFalse, 0, 0);
    p_ += 5;
  } else if (*p_ == 'n' && left >= 4 && std::memcmp(s, "null", 4) == 0) {
    emit(Kind::kNull, 0, 0);
    p_ += 4;
  } else {
    return fail("invalid literal", p_);
  }
  // "truex" is one bad token, not "true" followed by garbage.
  if (p_ < end_ && ((*p_ >= 'a' && *p_ <= 'z') || (*p_ >= 'A' && *p_ <= 'Z') || isDigit(*p_)))
    return fail("invalid literal", p_);
  return true;
}

// p_ is at the opening quote of a member name. Scans the name and the following ':'.
inline bool Scanner::scanKey() {
  ++p_;
  if (!scanString()) return false;
  ++frames_.back().count;
  skipWhitespace();
  if (p_ >= end_) return fail("unexpected end of input", p_);
  if (*p_ != ':') return fail("expected ':' after object key", p_);
  ++p_;
  skipWhitespace();
  return true;
}

bool Scanner::run() {
  skipWhitespace();
  if (p_ >= end_) {
    error_ = "invalid JSON: empty input";
    return false;
  }

value:
  // Scan one value; p_ is at its first byte (whitespace already skipped).
  if (p_ >= end_) return fail("unexpected end of input", p_);
  // Checked during the scan, before the tree is built: the budget bounds its memory.
  if (++values_ > maxValues_) return failTooLarge();
  switch (*p_) {
    case '{':
      if (static_cast<long long>(frames_.size()) >= maxDepth_) return failDepth();
      ++p_;
      emit(Kind::kObject, 0, 0);
      skipWhitespace();
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        goto after;
      }
      frames_.push() = ScanFrame{static_cast<std::uint32_t>(tokens_.size() - 1), 0, true};
      if (p_ >= end_) return fail("unexpected end of input", p_);
      if (*p_ != '"') return fail("expected string key", p_);
      if (!scanKey()) return false;
      goto value;
    case '[':
      if (static_cast<long long>(frames_.size()) >= maxDepth_) return failDepth();
      ++p_;
      emit(Kind::kArray, 0, 0);
      skipWhitespace();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        goto after;
      }
      frames_.push() = ScanFrame{static_cast<std::uint32_t>(tokens_.size() - 1), 1, false};
      goto value;
    case '"':
      ++p_;
      if (!scanString()) return false;
      goto after;
    case 't':
    case 'f':
    case 'n':
      if (!scanLiteral()) return false;
      goto after;
    default:
      if (*p_ == '-' || isDigit(*p_)) {
        if (!scanNumber()) return false;
        goto after;
      }
      return failUnexpected(p_);
  }

after:
  // A value is complete; continue in the enclosing container.
  skipWhitespace();
  if (frames_.empty()) {
    if (p_ != end_) return fail("trailing characters after the document", p_);
    return true;
  }
  if (p_ >= end_) return fail("unexpected end of input", p_);
  if (frames_.back().object) {
    if (*p_ == ',') {
      ++p_;
      skipWhitespace();
      if (p_ >= end_) return fail("unexpected end of input", p_);
      if (*p_ != '"') return fail("expected string key", p_);
      if (!scanKey()) return false;
      goto value;
    }
    if (*p_ == '}') {
      ++p_;
      tokens_[frames_.back().token].a = frames_.back().count;
      frames_.pop();
      goto after;
    }
    return fail("expected ',' or '}' in object", p_);
  }
  if (*p_ == ',') {
    ++p_;
    skipWhitespace();
    ++frames_.back().count;
    goto value;
  }
  if (*p_ == ']') {
    ++p_;
    tokens_[frames_.back().token].a = frames_.back().count;
    frames_.pop();
    goto after;
  }
  return fail("expected ',' or ']' in array", p_);
}

// Pass 2: builds the Value tree from a scanned token list. Cannot fail, except to allocate.
class Builder {
 public:
  Builder(std::string_view text, Scratch& scratch)
      : text_(text.data()),
        decoded_(scratch.decoded.data()),
        tokens_(scratch.tokens),
        frames_(scratch.buildFrames) {}

  void run(Value& root);

 private:
  std::string_view stringOf(const Token& t) const {
    return std::string_view(t.kind == Kind::kString ? text_ + t.a : decoded_ + t.a, t.b);
  }
  Value* memberSlot(BuildFrame& frame, std::string_view key);

  const char* text_;
  const char* decoded_;
  const Stack<Token>& tokens_;
  Stack<BuildFrame>& frames_;
};

// The slot for the value of member `key`: a new member, or the earlier one for a repeated key.
Value* Builder::memberSlot(BuildFrame& frame, std::string_view key) {
  Object& members = *frame.members;
  if (members.size() < kInlineDuplicateCheck) {
    const std::uint64_t bit = keyBit(key);
    if (frame.keyFilter & bit) {
      for (Member& m : members) {
        if (m.key == key) {
          m.value = Value();
          return &m.value;
        }
      }
    }
    frame.keyFilter |= bit;
  }
  // Capacity was reserved for every member, so this never reallocates: earlier slots stay put.
#if defined(__cpp_aggregate_paren_init)
  return &members.emplace_back(StringFrom{key}).value;  // the key is built in place
#else
  Member& m = members.emplace_back();
  m.key.assign(key.data(), key.size());
  return &m.value;
#endif
}

void Builder::run(Value& root) {
  std::size_t next = 0;
  Value* slot = &root;
  for (;;) {
    const Token& t = tokens_[next++];
    switch (t.kind) {
      case Kind::kNull:
        break;  // the slot already holds null
      case Kind::kTrue:
        BILLET_FILL(slot, Value::boolean(true));
        break;
      case Kind::kFalse:
        BILLET_FILL(slot, Value::boolean(false));
        break;
      case Kind::kNumber:
        BILLET_FILL(slot, Value::number(StringFrom{std::string_view(text_ + t.a, t.b)}));
        break;
      case Kind::kString:
      case Kind::kDecoded:
        BILLET_FILL(slot, Value::string(StringFrom{stringOf(t)}));
        break;
      case Kind::kArray: {
        BILLET_FILL(slot, Value::array());
        if (t.a > 0) {
          Array* elements = slot->ifArray();
          elements->reserve(t.a);
          frames_.push() = BuildFrame{slot, nullptr, elements, t.a, 0};
        }
        break;
      }
      case Kind::kObject: {
        BILLET_FILL(slot, Value::object());
        if (t.a > 0) {
          Object* members = slot->ifObject();
          members->reserve(t.a);
          frames_.push() = BuildFrame{slot, members, nullptr, t.a, 0};
        }
        break;
      }
    }
    // Find the next slot to fill, closing finished containers.
    for (;;) {
      if (frames_.empty()) return;
      BuildFrame& top = frames_.back();
      if (top.remaining == 0) {
        if (top.members && top.members->size() > kInlineDuplicateCheck) {
          dedupeObject(*top.members);
          indexMembers(*top.container);  // lookups in a large object are then hashed
        }
        frames_.pop();
        continue;
      }
      --top.remaining;
      if (top.members) {
        slot = memberSlot(top, stringOf(tokens_[next++]));
      } else {
        slot = &top.elements->emplace_back();
      }
      break;
    }
  }
}

#undef BILLET_FILL

}  // namespace

base::Result<Value> parse(std::string_view text, int maxDepth, std::size_t maxValues) {
  thread_local Scratch scratch;
  base::Result<Value> result;
  if (text.size() >= std::uint32_t{0xFFFFFFFF}) {
    result.error = "invalid JSON: document larger than 4 GiB";
    return result;
  }
  try {
    Scanner scanner(text, maxDepth, maxValues, scratch);
    if (scanner.run()) {
      Builder(text, scratch).run(result.value);
    } else {
      result.error = std::move(scanner.error());
    }
  } catch (const std::bad_alloc&) {
    result.value = Value();
    result.error = "invalid JSON: document too large (out of memory)";
  } catch (const std::length_error&) {
    result.value = Value();
    result.error = "invalid JSON: document too large";
  }
  scratch.reset();
  return result;
}

}  // namespace billet::json
