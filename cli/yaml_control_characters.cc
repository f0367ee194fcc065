#include "cli/yaml_control_characters.h"

#include <cstring>
#include <string_view>
#include <utility>

#include "base/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billet::cli {
namespace {

constexpr std::size_t kChunk = 1 << 16;

// The bytes that may start a character outside YAML's printable set in valid UTF-8: C0
// controls, DEL, 0xC2 (U+0080–U+009F), 0xEF (U+FFFE, U+FFFF). Line feeds are counted apart.
inline bool mayStartControl(unsigned char c) {
  return (c < 0x20 && c != '\n') || c == 0x7f || c == 0xc2 || c == 0xef;
}

std::size_t countNewlines(std::string_view text) {
  std::size_t n = 0, i = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    n += static_cast<std::size_t>(
        __builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)))));
  }
#endif
  for (; i < text.size(); ++i) n += text[i] == '\n' ? 1 : 0;
  return n;
}

}  // namespace

ControlCharacterCheck::ControlCharacterCheck(std::streambuf* source)
    : source_(source), buffer_(kChunk) {
  setg(buffer_.data(), buffer_.data(), buffer_.data());
}

void ControlCharacterCheck::foundAt(std::size_t at, unsigned codePoint) {
  // Its place in this read; on the read's first line, after what came before on that line.
  const base::LineColumn lc = base::lineColumnAt({buffer_.data(), at}, at);
  const std::size_t column = lc.line == 1 ? lineStart_ + at + 1 : lc.column;
  found_ = {line_ + lc.line - 1, static_cast<int>(column), "",
            "invalid YAML: " + base::unprintableInYaml(codePoint)};
}

bool ControlCharacterCheck::scan(std::size_t from, std::size_t end) {
  const auto* b = reinterpret_cast<const unsigned char*>(buffer_.data());
  std::size_t i = from;
#if defined(__SSE2__)
  // Most of a manifest is printable ASCII and line feeds: 16 bytes at a time, to the first byte
  // that may start a control character.
  const __m128i below = _mm_set1_epi8(0x1f);
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i del = _mm_set1_epi8(0x7f);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xc2));
  const __m128i ef = _mm_set1_epi8(static_cast<char>(0xef));
  for (;;) {
    while (i + 16 <= end) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
      const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, below), below);  // v <= 0x1f
      const __m128i hit =
          _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(v, newline), control),
                       _mm_or_si128(_mm_cmpeq_epi8(v, del),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, ef))));
      if (const int mask = _mm_movemask_epi8(hit); mask != 0) {
        i += static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        break;
      }
      i += 16;
    }
    while (i < end && !mayStartControl(b[i])) ++i;
    if (i >= end) return true;
#else
  for (;;) {
    while (i < end && !mayStartControl(b[i])) ++i;
    if (i >= end) return true;
#endif
    const unsigned char c = b[i];
    unsigned cp = 0;
    if (c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      cp = c;
    } else if (c == 0xc2) {  // U+0080–U+009F but NEL (U+0085) are C1 controls
      if (b[i + 1] >= 0x80 && b[i + 1] <= 0x9f && b[i + 1] != 0x85) cp = b[i + 1];
    } else if (b[i + 1] == 0xbf && (b[i + 2] == 0xbe || b[i + 2] == 0xbf)) {  // 0xEF
      cp = 0xffc0u + (b[i + 2] & 0x3fu);                                      // U+FFFE, U+FFFF
    }
    if (cp != 0 || c == 0) {
      foundAt(i, cp);
      return false;
    }
    ++i;
  }
}

ControlCharacterCheck::int_type ControlCharacterCheck::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (ended_) return traits_type::eof();
  const std::size_t passed = static_cast<std::size_t>(egptr() - eback());
  // The bytes held back (a sequence the last read cut) move to the front.
  std::memmove(buffer_.data(), buffer_.data() + passed, held_);
  const std::streamsize got =
      source_->sgetn(buffer_.data() + held_, static_cast<std::streamsize>(kChunk - held_ - 2));
  std::size_t end = held_ + static_cast<std::size_t>(got > 0 ? got : 0);
  const bool last = got <= 0 || end < kChunk - 2;
  // Two zero bytes after the data let scan() look at the two bytes after a 0xC2 or 0xEF
  // without testing where the data ends; they are not part of it.
  buffer_[end] = buffer_[end + 1] = 0;
  // A sequence the read cut (0xC2 or 0xEF, 0xEF 0xBF at the end) waits for the next read.
  held_ = 0;
  if (!last) {
    const auto* b = reinterpret_cast<const unsigned char*>(buffer_.data());
    if (b[end - 1] == 0xc2 || b[end - 1] == 0xef)
      held_ = 1;
    else if (end >= 2 && b[end - 2] == 0xef && b[end - 1] == 0xbf)
      held_ = 2;
  }
  const std::size_t ready = end - held_;
  if (got <= 0 && end == 0) {
    ended_ = true;
    return traits_type::eof();
  }
  if (last) ended_ = true;
  setg(buffer_.data(), buffer_.data(), buffer_.data() + ready);
  // Until a character is found, where the next bytes start (its line and column) is kept.
  if (found_.line == 0 && scan(0, ready)) {
    const std::string_view text(buffer_.data(), ready);
    line_ += static_cast<int>(countNewlines(text));
    const std::size_t lastNewline = text.rfind('\n');
    lineStart_ =
        lastNewline == std::string_view::npos ? lineStart_ + ready : ready - lastNewline - 1;
  }
  if (gptr() == egptr()) return ended_ ? traits_type::eof() : underflow();
  return traits_type::to_int_type(*gptr());
}

HeldCallbacks::HeldCallbacks(const YamlStreamCallbacks& target, const ControlCharacterCheck& check)
    : target_(target), check_(check) {
  callbacks_.document = [this](json::Value v, int line) {
    begin(line);
    hold({Held::Kind::kDocument, std::move(v), line, {}});
  };
  callbacks_.listItem = [this](json::Value v, int line) {
    begin(line);
    hold({Held::Kind::kItem, std::move(v), line, {}});
  };
  callbacks_.list = [this](int line) { hold({Held::Kind::kList, json::Value(), line, {}}); };
  callbacks_.error = [this](const YamlStreamError& e) {
    hold({Held::Kind::kError, json::Value(), e.line, e});
  };
  // A document's `---` line ends the one before, comments and all, as kubectl cuts the stream.
  callbacks_.documentStart = [this](int line) { begin(line); };
  callbacks_.skipped = [this](int line, const std::string& why) {
    hold({Held::Kind::kSkipped, json::Value(), line, {line, 0, "", why}});
  };
}

void HeldCallbacks::hold(Held held) {
  if (!cut_) held_.push_back(std::move(held));
}

void HeldCallbacks::handOver(Held& held) {
  switch (held.kind) {
    case Held::Kind::kDocument:
      if (target_.document) target_.document(std::move(held.value), held.line);
      break;
    case Held::Kind::kItem:
      if (target_.listItem) target_.listItem(std::move(held.value), held.line);
      break;
    case Held::Kind::kList:
      if (target_.list) target_.list(held.line);
      break;
    case Held::Kind::kError:
      if (target_.error) target_.error(held.error);
      break;
    case Held::Kind::kSkipped:
      if (target_.skipped) target_.skipped(held.line, held.error.message);
      break;
  }
}

void HeldCallbacks::begin(int line) {
  if (cut_) return;
  // Lines, not columns, are compared: what begins on the character's line may begin after it
  // (`[{a: "<ESC>"}, {b: 1}]`, two items on one line), so what is held is let go then too. A
  // List's items are one document to kubectl, refused whole; only a document that ends on the
  // line the next begins with a control character in it (`--- <ESC>`) is refused where kubectl
  // would read it.
  const int found = check_.found().line;
  if (found > 0 && found <= line) {
    // The character is in what is held (or in the comments before it): none of it is kubectl's.
    held_.clear();
    cut_ = true;
    return;
  }
  for (Held& h : held_) handOver(h);
  held_.clear();
}

bool HeldCallbacks::finish(bool readerOk, YamlStreamError& error) {
  const YamlStreamError& found = check_.found();
  // An error of the reader's on an earlier line comes first; one on the character's line or
  // after it may be the reader stumbling on the character (yaml-cpp reads a NUL as an escape).
  const bool readerFirst = !readerOk && error.line > 0 && error.line < found.line;
  if (cut_ || (found.line > 0 && !readerFirst)) {
    held_.clear();
    error = found;
    return false;
  }
  for (Held& h : held_) handOver(h);
  held_.clear();
  return readerOk;
}

}  // namespace billet::cli
