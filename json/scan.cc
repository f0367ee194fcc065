// The validating scan (json/scan.h).
//
//   - Open containers are kept on an explicit stack, so hostile nesting cannot overflow the C++
//     stack; `maxDepth` bounds the tree that the rest of billet recurses over.
//   - Strings are scanned 16 bytes at a time (SSE2; 8 with plain integer arithmetic elsewhere)
//     for the bytes that need attention: quote, backslash, control characters and non-ASCII.
//     Non-ASCII sequences are validated as UTF-8 (no overlong forms, surrogates, or code points
//     above U+10FFFF). Strings with escapes are decoded once, during the scan.
//   - A container's token records how many children it has (so that the build allocates it once,
//     at its exact size) and where its descendants end (so that a deferred build can step over
//     it).
#include "json/scan.h"

#include <cstring>

#include "base/json_special.h"
#include "base/text.h"
#include "base/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billet::json::detail {
namespace {

using Byte = unsigned char;

// The first byte in [p, end) that is '"', '\\', a control character or non-ASCII; `end` if none.
inline const Byte* findSpecial(const Byte* p, const Byte* end) {
  return base::findJsonSpecial<true>(
      p, end, [](Byte c) { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80; });
}

// The same in a padded text (scanPadded): the padding's '\0' is a control character, so the
// search stops there at the latest, and runs 16 bytes at a time with no test of what is left.
template <bool kPadded>
[[gnu::always_inline]] inline const Byte* findSpecialIn(const Byte* p, const Byte* end) {
#if defined(__SSE2__)
  if constexpr (kPadded) {
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (;;) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches non-ASCII.
      const __m128i hit =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                       _mm_cmplt_epi8(v, space));
      if (const int mask = _mm_movemask_epi8(hit); mask != 0)
        return p + __builtin_ctz(static_cast<unsigned>(mask));
      p += 16;
    }
  }
#endif
  return findSpecial(p, end);
}

constexpr std::uint64_t kWhitespace = (std::uint64_t{1} << ' ') | (std::uint64_t{1} << '\n') |
                                      (std::uint64_t{1} << '\r') | (std::uint64_t{1} << '\t');
inline bool isWhitespace(Byte c) {
  return c <= ' ' && ((kWhitespace >> c) & 1) != 0;
}
inline bool isDigit(Byte c) {
  return c >= '0' && c <= '9';
}

// Pass 1: validates the text and records its tokens. kPadded: the text is followed by
// kScanPadding '\0' bytes (scanPadded), and the paths marked so read ahead without bounds checks.
template <bool kPadded>
class Scanner {
 public:
  Scanner(std::string_view text, int maxDepth, std::size_t maxValues, ScanScratch& scratch)
      : begin_(reinterpret_cast<const Byte*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()),
        maxDepth_(maxDepth),
        maxValues_(maxValues),
        tokens_(scratch.tokens),
        frames_(scratch.frames),
        decoded_(scratch.decoded) {}

  bool run();
  std::string& error() { return error_; }
  // Objects and arrays with at least one member or element.
  std::size_t containers() const { return containers_; }

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

  // The first byte at or after `p` that is not whitespace.
  [[gnu::always_inline]] static const Byte* skipWhitespace(const Byte* p, const Byte* end) {
    // Most tokens are followed directly by the next one (the API server's JSON), or by one
    // space (", " and ": ", as many encoders write them). The parentheses keep clang-format from
    // reading `p < end && *p >` as a template's arguments; `end - p > 0` costs 1,000 instructions
    // a review more.
    if ((kPadded || p < end) && (*p > ' ')) [[likely]]
      return p;
    if (end - p >= 2 && p[0] == ' ' && p[1] > ' ') return p + 1;
    while (p < end && isWhitespace(*p)) ++p;
    return p;
  }

  // Inlined into the scan loop, on a position kept in a local (so in a register, where p_, a
  // member whose address the out-of-line paths take, is written back to memory at every step):
  // they run for every key and string.
  [[gnu::always_inline]] bool scanString(const Byte*& p);
  [[gnu::always_inline]] bool skipColon(const Byte*& p);
  [[gnu::noinline]] bool scanStringTail(const Byte* quote, const Byte* start);
  bool scanEscapedTail(const Byte* quote, const Byte* start);
  bool decodeEscape(const Byte* quote);
  bool readHex4(const Byte* at, std::uint32_t& cp) const;
  bool validateUtf8Sequence();
  bool scanNumber();
  bool scanLiteral();

  const Byte* begin_;
  const Byte* p_;
  const Byte* end_;
  int maxDepth_;
  std::size_t maxValues_;
  std::size_t containers_ = 0;
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

template <bool kPadded>
bool Scanner<kPadded>::failUnexpected(const Byte* at) {
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
template <bool kPadded>
bool Scanner<kPadded>::validateUtf8Sequence() {
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

// `p` is just past the opening quote. On success it is just past the closing quote and the
// string's token is recorded.
template <bool kPadded>
inline bool Scanner<kPadded>::scanString(const Byte*& p) {
  const Byte* const close = findSpecialIn<kPadded>(p, end_);
  // The common case: the closing quote (padded, a close at the end is the padding's '\0').
  if ((kPadded || close < end_) && *close == '"') [[likely]] {
    emit(Kind::kString, offset32(p), offset32(close) - offset32(p));
    p = close + 1;
    return true;
  }
  p_ = close;
  if (!scanStringTail(p - 1, p)) return false;
  p = p_;
  return true;
}

// The rest of a string whose content holds a byte that needs attention: p_ is at that byte. On
// success p_ is just past the closing quote.
template <bool kPadded>
bool Scanner<kPadded>::scanStringTail(const Byte* quote, const Byte* start) {
  for (;;) {
    if (p_ >= end_) return fail("unclosed string", quote);
    const Byte c = *p_;
    if (c == '"') {
      emit(Kind::kString, offset32(start), offset32(p_) - offset32(start));
      ++p_;
      return true;
    }
    if (c == '\\') return scanEscapedTail(quote, start);
    if (c < 0x20) return fail("control character in string", p_);
    if (!validateUtf8Sequence()) return false;
    p_ = findSpecial(p_, end_);
  }
}

// The slow path once a string holds an escape: p_ is at the first backslash. The content is
// decoded onto the end of decoded_.
template <bool kPadded>
bool Scanner<kPadded>::scanEscapedTail(const Byte* quote, const Byte* start) {
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

template <bool kPadded>
bool Scanner<kPadded>::readHex4(const Byte* at, std::uint32_t& cp) const {
  if (end_ - at < 4) return false;
  cp = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = base::hexDigitValue(at[i]);
    if (h < 0) return false;
    cp = (cp << 4) | static_cast<std::uint32_t>(h);
  }
  return true;
}

// p_ is at a backslash; appends the unescaped character to decoded_ and advances past it.
template <bool kPadded>
bool Scanner<kPadded>::decodeEscape(const Byte* quote) {
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
      // A surrogate escape that is not the first half of a pair with the next escape is U+FFFD,
      // and the next escape is read on its own: what Go's JSON decoder, the API server's and
      // kubectl's, makes of it (RFC 8259 allows such a string and leaves its meaning open).
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        std::uint32_t low;
        if (cp <= 0xDBFF && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' &&
            readHex4(p_ + 2, low) && low >= 0xDC00 && low <= 0xDFFF) {
          p_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else {
          cp = 0xFFFD;
        }
      }
      base::appendUtf8(decoded_, cp);
      return true;
    }
    default:
      return fail("invalid escape", at);
  }
  decoded_.push_back(c);
  p_ += 2;
  return true;
}

template <bool kPadded>
bool Scanner<kPadded>::scanNumber() {
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

template <bool kPadded>
bool Scanner<kPadded>::scanLiteral() {
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

// `p` is just past a member name's closing quote. Skips the ':' and the whitespace around it,
// leaving `p` at the member's value (or at the end of the input, which the value reports).
template <bool kPadded>
inline bool Scanner<kPadded>::skipColon(const Byte*& p) {
  // The common shapes first: ":" or ": " and then the value.
  if ((kPadded || end_ - p >= 3) && p[0] == ':') [[likely]] {
    const Byte* value = p + 1 + (p[1] == ' ');
    if (*value > ' ') {
      p = value;
      return true;
    }
  }
  p = skipWhitespace(p, end_);
  if (p >= end_) return fail("unexpected end of input", p);
  if (*p != ':') return fail("expected ':' after object key", p);
  p = skipWhitespace(p + 1, end_);
  return true;
}

template <bool kPadded>
bool Scanner<kPadded>::run() {
  const Byte* p = skipWhitespace(p_, end_);
  const Byte* const end = end_;
  // The budget counts down in a local: one decrement and branch a value.
  std::size_t valuesLeft = maxValues_;
  // The innermost open container, kept in locals (registers) rather than read back from
  // frames_ after every value: whether it is an object, and its children so far. frames_ holds
  // the enclosing containers' counts while a child is open.
  enum class In : unsigned char { kRoot, kObject, kArray };
  In in = In::kRoot;
  std::uint32_t count = 0;
  int depth = 0;  // open containers: frames_.size(), without its division
  if (p >= end) {
    error_ = "invalid JSON: empty input";
    return false;
  }

value:
  // Scan one value; p is at its first byte (whitespace already skipped).
  if (p >= end) return fail("unexpected end of input", p);
  // Checked during the scan, before the tree is built: the budget bounds its memory.
  if (valuesLeft-- == 0) [[unlikely]]
    return failTooLarge();
  switch (*p) {
    case '{':
      if (depth >= maxDepth_) return failDepth();
      emit(Kind::kObject, 0, 0);
      p = skipWhitespace(p + 1, end);
      if (p < end && *p == '}') {
        ++p;
        goto after;
      }
      if (in != In::kRoot) frames_.back().count = count;
      frames_.push() = ScanFrame{static_cast<std::uint32_t>(tokens_.size() - 1), 0, true};
      ++depth;
      in = In::kObject;
      count = 1;
      if (p >= end) return fail("unexpected end of input", p);
      if (*p != '"') return fail("expected string key", p);
      ++p;
      if (!scanString(p) || !skipColon(p)) return false;
      goto value;
    case '[':
      if (depth >= maxDepth_) return failDepth();
      emit(Kind::kArray, 0, 0);
      p = skipWhitespace(p + 1, end);
      if (p < end && *p == ']') {
        ++p;
        goto after;
      }
      if (in != In::kRoot) frames_.back().count = count;
      frames_.push() = ScanFrame{static_cast<std::uint32_t>(tokens_.size() - 1), 0, false};
      ++depth;
      in = In::kArray;
      count = 1;
      goto value;
    case '"':
      ++p;
      if (!scanString(p)) return false;
      goto after;
    case 't':
    case 'f':
    case 'n':
      p_ = p;
      if (!scanLiteral()) return false;
      p = p_;
      goto after;
    default:
      if (*p == '-' || isDigit(*p)) {
        p_ = p;
        if (!scanNumber()) return false;
        p = p_;
        goto after;
      }
      return failUnexpected(p);
  }

after:
  // A value is complete; continue in the enclosing container. The common shapes first: `,` or
  // `, ` and the next key or element, or the closing bracket right after the value.
  // Padded, the bytes read past the end are '\0', which none of these shapes accepts.
  if (kPadded || end - p >= 3) [[likely]] {
    if (in == In::kObject) {
      if (p[0] == ',') {
        const Byte* key = p + 1 + (p[1] == ' ');
        if (*key == '"') {
          p = key + 1;
          ++count;
          if (!scanString(p) || !skipColon(p)) return false;
          goto value;
        }
      } else if (p[0] == '}') {
        ++p;
        goto close;
      }
    } else if (in == In::kArray) {
      if (p[0] == ',') {
        const Byte* element = p + 1 + (p[1] == ' ');
        if (*element > ' ') {
          p = element;
          ++count;
          goto value;
        }
      } else if (p[0] == ']') {
        ++p;
        goto close;
      }
    }
  }
  if (in == In::kRoot) {
    p = skipWhitespace(p, end);
    if (p != end) return fail("trailing characters after the document", p);
    return true;
  }
  p = skipWhitespace(p, end);
  if (p >= end) return fail("unexpected end of input", p);
  if (*p == ',') {
    p = skipWhitespace(p + 1, end);
    ++count;
    if (in == In::kArray) goto value;
    if (p >= end) return fail("unexpected end of input", p);
    if (*p != '"') return fail("expected string key", p);
    ++p;
    if (!scanString(p) || !skipColon(p)) return false;
    goto value;
  }
  if (*p == (in == In::kObject ? '}' : ']')) {
    ++p;
    goto close;
  }
  return fail(in == In::kObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array",
              p);

close:
  // The open container is complete: its token records how many children it has and where the
  // tokens after its last descendant start (a deferred build steps over it: DeferredBuilder).
  {
    Token& t = tokens_[frames_.back().token];
    t.a = count;
    t.b = static_cast<std::uint32_t>(tokens_.size());
    ++containers_;
    frames_.pop();
    --depth;
    if (frames_.empty()) {
      in = In::kRoot;
    } else {
      in = frames_.back().object ? In::kObject : In::kArray;
      count = frames_.back().count;
    }
  }
  goto after;
}

}  // namespace

ScanScratch& threadScanScratch() {
  thread_local ScanScratch scratch;
  return scratch;
}

namespace {
template <bool kPadded>
bool scanText(std::string_view text, int maxDepth, std::size_t maxValues, ScanScratch& scratch,
              std::string& error, std::size_t& containers) {
  Scanner<kPadded> scanner(text, maxDepth, maxValues, scratch);
  const bool ok = scanner.run();
  if (!ok) error = std::move(scanner.error());
  containers = scanner.containers();
  return ok;
}
}  // namespace

bool scan(std::string_view text, int maxDepth, std::size_t maxValues, ScanScratch& scratch,
          std::string& error, std::size_t& containers) {
  return scanText<false>(text, maxDepth, maxValues, scratch, error, containers);
}

bool scanPadded(std::string_view text, int maxDepth, std::size_t maxValues, ScanScratch& scratch,
                std::string& error, std::size_t& containers) {
  return scanText<true>(text, maxDepth, maxValues, scratch, error, containers);
}

}  // namespace billet::json::detail
