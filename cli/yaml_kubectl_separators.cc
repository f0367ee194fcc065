#include "cli/yaml_kubectl_separators.h"

#include <cstring>
#include <string_view>

#include "base/utf8.h"
#include "cli/kubectl_json_or_yaml.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billet::cli {
namespace {

// How much of what follows a refused line's dashes its message quotes.
constexpr std::size_t kQuoted = 40;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The length of the UTF-8 sequence `lead` begins (the text is UTF-8 by now: KubectlDecoding).
std::size_t sequenceLength(char lead) {
  const auto c = static_cast<unsigned char>(lead);
  return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

// `text` without the spaces Go's strings.TrimSpace removes at its start and end.
std::string_view trimGoSpace(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const base::Utf8Char c = base::decodeUtf8(text, start);
    if (c.size == 0 || !isGoSpace(c.cp)) break;
    start += c.size;
  }
  text.remove_prefix(start);
  while (!text.empty() && static_cast<unsigned char>(text.back()) < 0x80 &&
         isGoSpace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// The first line feed in b[from, end) followed by `-`, or that ends b (the next line begins in
// the next read); `end` when there is none. `newlines` counts the line feeds before it. Most
// lines do not begin with `-`: 16 bytes at a time.
std::size_t nextDashLine(const char* b, std::size_t from, std::size_t end, int& newlines) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i dash = _mm_set1_epi8('-');
  for (; i + 17 <= end; i += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + 1));
    const auto feeds = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(here, newline)));
    const auto dashes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(next, dash)));
    if (const unsigned hit = feeds & dashes; hit != 0) {
      const unsigned at = static_cast<unsigned>(__builtin_ctz(hit));
      newlines += __builtin_popcount(feeds & ((1u << at) - 1));
      return i + at;
    }
    newlines += __builtin_popcount(feeds);
  }
#endif
  for (; i < end; ++i) {
    if (b[i] != '\n') continue;
    if (i + 1 == end || b[i + 1] == '-') return i;
    ++newlines;
  }
  return end;
}

}  // namespace

KubectlSeparators::KubectlSeparators(std::streambuf* source, std::size_t chunk)
    : source_(source), chunk_(chunk < 4 ? 4 : chunk), in_(chunk_) {
  setg(nullptr, nullptr, nullptr);
}

void KubectlSeparators::decided(bool separator) {
  if (!separator || pieceEmpty_) {
    // Not a separator, or one kept as the first line of the piece it begins: YAML reads it.
    out_ += pending_;
    pieceEmpty_ = false;
    mode_ = Mode::kCopyLine;
  } else {
    // Cut away: kubectl drops the line; yaml-cpp sees a `---` line with nothing after it.
    out_ += "---";
    out_.append(pending_.size() - 3, ' ');
    pieceEmpty_ = true;
    lastCut_ = line_;
    mode_ = Mode::kBlankLine;
  }
  pending_.clear();
}

void KubectlSeparators::refuse() {
  refused_.line = line_;
  refused_.column = 1;
  refusedPieceStart_ = lastCut_;
  tail_ = pending_.substr(3);
  pending_.clear();
  mode_ = Mode::kRefusedTail;
}

void KubectlSeparators::judgeCharacter() {
  const std::size_t start = charStart_;
  charStart_ = std::string::npos;
  const base::Utf8Char ch = base::decodeUtf8(pending_, start);
  if (ch.size != 0 && isGoSpace(ch.cp)) return;
  const std::string character = pending_.substr(start);
  pending_.resize(start);
  refuse();
  tail_ += character;
}

void KubectlSeparators::finishRefusal() {
  std::string_view rest = trimGoSpace(tail_);
  std::string quoted(rest);
  if (rest.size() > kQuoted) {
    // Cut before a character, not inside one.
    std::size_t cut = kQuoted;
    while (cut > 0 && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80) --cut;
    quoted = std::string(rest.substr(0, cut)) + "…";
  }
  refused_.message =
      "invalid YAML: a line starting with `---` holds more than a comment (kubectl: invalid "
      "Yaml document separator: " +
      quoted + ")";
  ended_ = true;
}

void KubectlSeparators::passOn(std::size_t from, std::size_t end, bool last) {
  const char* b = in_.data();
  std::size_t i = from;
  while (i < end && !ended_) {
    const auto c = static_cast<unsigned char>(b[i]);
    switch (mode_) {
      case Mode::kCopyLine: {
        // Lines are passed on whole up to one that begins with `-` (or that the read cuts).
        int newlines = 0;
        const std::size_t stop = nextDashLine(b, i, end, newlines);
        line_ += newlines;
        if (stop == end) {
          out_.append(b + i, end - i);
          i = end;
        } else {
          out_.append(b + i, stop + 1 - i);
          i = stop + 1;
          ++line_;
          mode_ = Mode::kLineStart;
        }
        break;
      }
      case Mode::kBlankLine: {
        const auto* nl = static_cast<const char*>(std::memchr(b + i, '\n', end - i));
        const std::size_t stop = nl ? static_cast<std::size_t>(nl - b) : end;
        out_.append(stop - i, ' ');
        i = stop;
        if (nl) {
          out_ += '\n';
          ++i;
          ++line_;
          mode_ = Mode::kLineStart;
        }
        break;
      }
      case Mode::kLineStart:
        if (c == '-') {
          pending_ += '-';
          ++i;
          if (pending_.size() == 3) mode_ = Mode::kAfterDashes;
        } else {
          decided(false);
        }
        break;
      case Mode::kAfterDashes:
        if (charStart_ != std::string::npos) {
          // A character of several bytes, collected whole before it is judged; one cut short
          // (not UTF-8: only in tests, after KubectlDecoding) is judged as it is, and `c` read
          // again.
          if ((c & 0xC0) != 0x80) {
            judgeCharacter();
            break;
          }
          pending_ += static_cast<char>(c);
          ++i;
          if (pending_.size() - charStart_ == sequenceLength(pending_[charStart_]))
            judgeCharacter();
        } else if (c == '\n' || c == '#') {
          decided(true);  // the line feed or comment is read in the new mode
        } else if (c >= 0x80) {
          charStart_ = pending_.size();
          pending_ += static_cast<char>(c);
          ++i;
        } else if (isGoSpace(c)) {
          pending_ += static_cast<char>(c);
          ++i;
        } else {
          refuse();  // `c` is read again, as the start of what the message quotes
        }
        break;
      case Mode::kRefusedTail:
        if (c == '\n' || tail_.size() > kQuoted + 8) {
          finishRefusal();
        } else {
          tail_ += static_cast<char>(c);
          ++i;
        }
        break;
    }
  }
  if (!last || ended_) return;
  // The stream ends inside a line.
  switch (mode_) {
    case Mode::kLineStart:
      decided(false);  // `-` or `--`: no separator
      break;
    case Mode::kAfterDashes:
      if (charStart_ != std::string::npos) judgeCharacter();  // cut short: no space
      if (mode_ == Mode::kRefusedTail)
        finishRefusal();
      else
        decided(true);  // `---` and blanks
      break;
    case Mode::kRefusedTail:
      finishRefusal();
      break;
    default:
      break;
  }
  ended_ = true;
}

KubectlSeparators::int_type KubectlSeparators::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  while (!ended_) {
    const std::streamsize got = source_->sgetn(in_.data(), static_cast<std::streamsize>(chunk_));
    const std::size_t end = got > 0 ? static_cast<std::size_t>(got) : 0;
    // A short read is the source's end (every source here reads all it can).
    const bool last = end < chunk_;
    out_.clear();
    std::size_t from = 0;
    // kubectl drops a UTF-8 byte order mark before it reads lines: passed on, not a line's start.
    if (first_ && std::string_view(in_.data(), end).starts_with(kUtf8Bom)) {
      out_ += kUtf8Bom;
      from = kUtf8Bom.size();
    }
    first_ = false;
    passOn(from, end, last);
    if (!out_.empty()) {
      setg(out_.data(), out_.data(), out_.data() + out_.size());
      return traits_type::to_int_type(*gptr());
    }
  }
  return traits_type::eof();
}

}  // namespace billet::cli
