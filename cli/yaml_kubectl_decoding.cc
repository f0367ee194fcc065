#include "cli/yaml_kubectl_decoding.h"

#include <cstring>
#include <iterator>
#include <sstream>
#include <string_view>

#include "base/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billet::cli {
namespace {

// The first byte at or after `from` that is not ASCII; `end` when there is none. Most of a
// manifest is ASCII: 16 bytes at a time.
std::size_t firstNonAscii(const char* b, std::size_t from, std::size_t end) {
  std::size_t i = from;
#if defined(__SSE2__)
  for (; i + 16 <= end; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    if (const int mask = _mm_movemask_epi8(v); mask != 0)
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < end; ++i)
    if (static_cast<unsigned char>(b[i]) >= 0x80) return i;
  return end;
}

}  // namespace

KubectlDecoding::KubectlDecoding(std::streambuf* source, std::size_t chunk, Reader reader,
                                 bool afterUtf8Bom)
    : source_(source),
      chunk_(chunk < 8 ? 8 : chunk),
      in_(chunk_ + 4),
      nelAsLineFeed_(reader == Reader::kYaml),
      afterUtf8Bom_(afterUtf8Bom) {
  setg(in_.data(), in_.data(), in_.data());
}

std::size_t KubectlDecoding::passOn(std::size_t end, bool last) {
  const char* b = in_.data();
  const std::string_view text(b, end);
  std::size_t i = firstNonAscii(b, 0, end);
  std::size_t copied = 0;
  out_.clear();
  bool changed = false;
  // Passes on what is before text[i] as it is, then `with` in place of `size` bytes.
  auto change = [&](std::size_t size, std::string_view with) {
    if (!changed) out_.reserve(end + 64);
    changed = true;
    out_.append(b + copied, i - copied);
    out_ += with;
    i += size;
    copied = i;
  };
  while (i < end) {
    const base::Utf8Char c = base::decodeUtf8(text, i);
    if (c.cp == 0x85 && c.size == 2 && nelAsLineFeed_) {
      change(2, "\n");  // NEL, a line break to kubectl's reader
    } else if (c.size != 0) {
      i += c.size;
    } else {
      const std::size_t bad = base::invalidUtf8Length(text, i);
      if (!last && i + bad == end) break;  // perhaps a character the read cut: the next read says
      if (!afterUtf8Bom_) {
        change(bad, base::kReplacementCharacter);
        ++replaced_;
      } else if (!nelAsLineFeed_) {
        for (std::size_t k = 0; k < bad; ++k, ++replaced_)  // Go's JSON decoder: one a byte
          change(1, base::kReplacementCharacter);
      } else {
        i += bad;  // for the YAML reader to refuse, as kubectl's does
      }
    }
    i = firstNonAscii(b, i, end);
  }
  const std::size_t ready = i < end ? i : end;
  if (!changed) {
    setg(in_.data(), in_.data(), in_.data() + ready);
  } else {
    out_.append(b + copied, ready - copied);
    setg(out_.data(), out_.data(), out_.data() + out_.size());
  }
  return end - ready;
}

KubectlDecoding::int_type KubectlDecoding::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (ended_) return traits_type::eof();
  // The bytes held back (a sequence the last read may have cut) move to the front.
  std::memmove(in_.data(), in_.data() + next_, held_);
  const std::streamsize got =
      source_->sgetn(in_.data() + held_, static_cast<std::streamsize>(chunk_));
  const std::size_t end = held_ + static_cast<std::size_t>(got > 0 ? got : 0);
  // A short read is the source's end (std::filebuf and std::stringbuf read all they can).
  const bool last = got < static_cast<std::streamsize>(chunk_);
  if (first_ && std::string_view(in_.data(), end).starts_with("\xEF\xBB\xBF")) afterUtf8Bom_ = true;
  first_ = false;
  if (last) ended_ = true;
  held_ = passOn(end, last);
  next_ = end - held_;
  if (gptr() == egptr()) return ended_ ? traits_type::eof() : underflow();
  return traits_type::to_int_type(*gptr());
}

std::string decodedForJson(std::string text, bool afterUtf8Bom) {
  if (!base::findInvalidUtf8(text)) return text;  // nothing to change: most inputs
  std::stringbuf source(std::move(text));
  KubectlDecoding decoding(&source, std::size_t{1} << 16, KubectlDecoding::Reader::kJson,
                           afterUtf8Bom);
  return std::string(std::istreambuf_iterator<char>(&decoding), {});
}

}  // namespace billet::cli
