#include "cli/utf16_decoding.h"

#include <cstdint>
#include <cstring>

#include "base/utf8.h"

namespace billet::cli {
namespace {

constexpr std::uint32_t kReplacement = 0xFFFD;

bool isSurrogate(std::uint32_t u) {
  return u >= 0xD800 && u <= 0xDFFF;
}
bool isLowSurrogate(std::uint32_t u) {
  return u >= 0xDC00 && u <= 0xDFFF;
}

}  // namespace

bool startsWithUtf16Bom(std::string_view text) {
  return text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
}

Utf16Decoding::Utf16Decoding(std::streambuf* source, std::size_t chunk)
    : source_(source), chunk_(chunk < 4 ? 4 : chunk), in_(chunk_ + 4) {
  setg(nullptr, nullptr, nullptr);
}

Utf16Decoding::int_type Utf16Decoding::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  while (!ended_) {
    const std::streamsize got =
        source_->sgetn(in_.data() + held_, static_cast<std::streamsize>(chunk_));
    const std::size_t end = held_ + static_cast<std::size_t>(got > 0 ? got : 0);
    // A short read is the source's end (every source here reads all it can).
    const bool last = got < static_cast<std::streamsize>(chunk_);
    const auto* b = reinterpret_cast<const unsigned char*>(in_.data());
    std::size_t i = 0;
    if (first_) {
      first_ = false;
      bigEndian_ = end >= 2 && b[0] == 0xFE && b[1] == 0xFF;
      i = end >= 2 ? 2 : 0;  // the byte order mark
    }
    auto unit = [&](std::size_t at) -> std::uint32_t {
      return bigEndian_ ? (b[at] << 8 | b[at + 1]) : (b[at + 1] << 8 | b[at]);
    };
    out_.clear();
    while (i + 1 < end) {
      const std::uint32_t u = unit(i);
      if (!isSurrogate(u)) {
        base::appendUtf8(out_, u);
        i += 2;
        continue;
      }
      if (i + 3 < end) {
        // A surrogate then a low one: both are taken, for a character when the first is high.
        if (const std::uint32_t v = unit(i + 2); isLowSurrogate(v)) {
          base::appendUtf8(out_, isLowSurrogate(u) ? kReplacement
                                                   : 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
          i += 4;
          continue;
        }
      } else if (!last) {
        break;  // the next read says what follows
      }
      base::appendUtf8(out_, kReplacement);
      i += 2;
    }
    if (last) {
      if (i < end) base::appendUtf8(out_, kReplacement);  // a byte left alone
      ended_ = true;
      held_ = 0;
    } else {
      held_ = end - i;
      std::memmove(in_.data(), in_.data() + i, held_);
    }
    if (!out_.empty()) {
      setg(out_.data(), out_.data(), out_.data() + out_.size());
      return traits_type::to_int_type(*gptr());
    }
  }
  return traits_type::eof();
}

}  // namespace billet::cli
