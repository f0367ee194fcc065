#include "cli/yaml_recent_bytes.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace billet::cli {

RecentBytes::RecentBytes(std::streambuf* source) : source_(source), window_(kWindow) {
  setg(window_.data(), window_.data(), window_.data());
}

RecentBytes::int_type RecentBytes::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (traits_type::eq_int_type(source_->sgetc(), traits_type::eof())) return traits_type::eof();
  const std::size_t at = static_cast<std::size_t>(read_ % kWindow);
  // What the source has ready (at least the byte sgetc() made ready); the first read takes
  // three bytes even from a source that hands over fewer, to see a byte order mark whole.
  const std::streamsize ready = source_->in_avail();
  std::size_t want = ready > 0 ? static_cast<std::size_t>(ready) : 1;
  if (read_ == 0) want = std::max<std::size_t>(want, 3);
  want = std::min({want, kMaxRead, kWindow - at});
  char* chunk = window_.data() + at;
  const std::streamsize got = source_->sgetn(chunk, static_cast<std::streamsize>(want));
  const std::size_t n = got > 0 ? static_cast<std::size_t>(got) : 0;
  if (read_ == 0 && std::string_view(chunk, n).starts_with("\xEF\xBB\xBF")) offset_ = 3;
  if (firstTab_ == SIZE_MAX && n > 0)
    if (const void* tab = std::memchr(chunk, '\t', n)) {
      const std::uint64_t pos =
          read_ + static_cast<std::size_t>(static_cast<const char*>(tab) - chunk);
      firstTab_ = pos >= offset_ ? static_cast<std::size_t>(pos - offset_) : 0;
    }
  if (n > 0)
    if (const void* slash = ::memrchr(chunk, '\\', n)) {
      const std::uint64_t pos =
          read_ + static_cast<std::size_t>(static_cast<const char*>(slash) - chunk);
      lastBackslash_ = pos >= offset_ ? static_cast<std::size_t>(pos - offset_) : 0;
    }
  read_ += n;
  setg(chunk, chunk, chunk + n);
  if (n == 0) return traits_type::eof();
  return traits_type::to_int_type(*gptr());
}

int RecentBytes::at(std::size_t pos) const {
  const std::uint64_t wanted = pos + offset_;
  if (wanted >= read_ || read_ - wanted > kWindow) return -1;
  return static_cast<unsigned char>(window_[static_cast<std::size_t>(wanted % kWindow)]);
}

}  // namespace billet::cli
