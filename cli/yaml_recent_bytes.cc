#include "cli/yaml_recent_bytes.h"

#include <cstring>
#include <string_view>

namespace billet::cli {

RecentBytes::RecentBytes(std::streambuf* source) : source_(source), window_(kChunk * kChunks) {
  setg(window_.data(), window_.data(), window_.data());
}

RecentBytes::int_type RecentBytes::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (!first_) current_ = (current_ + 1) % kChunks;
  char* chunk = window_.data() + current_ * kChunk;
  const std::streamsize got = source_->sgetn(chunk, static_cast<std::streamsize>(kChunk));
  const std::size_t n = got > 0 ? static_cast<std::size_t>(got) : 0;
  if (first_) {
    first_ = false;
    const std::string_view head(chunk, n);
    if (head.starts_with("\xEF\xBB\xBF")) offset_ = 3;
  }
  if (firstTab_ == SIZE_MAX && n > 0)
    if (const void* tab = std::memchr(chunk, '\t', n)) {
      const std::uint64_t at =
          read_ + static_cast<std::size_t>(static_cast<const char*>(tab) - chunk);
      firstTab_ = at >= offset_ ? static_cast<std::size_t>(at - offset_) : 0;
    }
  if (n > 0)
    if (const void* slash = ::memrchr(chunk, '\\', n)) {
      const std::uint64_t at =
          read_ + static_cast<std::size_t>(static_cast<const char*>(slash) - chunk);
      lastBackslash_ = at >= offset_ ? static_cast<std::size_t>(at - offset_) : 0;
    }
  chunkAt_[current_] = read_;
  chunkSize_[current_] = n;
  read_ += n;
  setg(chunk, chunk, chunk + n);
  if (n == 0) return traits_type::eof();
  return traits_type::to_int_type(*gptr());
}

int RecentBytes::at(std::size_t pos) const {
  const std::uint64_t wanted = pos + offset_;
  for (std::size_t i = 0; i < kChunks; ++i)
    if (wanted >= chunkAt_[i] && wanted - chunkAt_[i] < chunkSize_[i])
      return static_cast<unsigned char>(window_[i * kChunk + (wanted - chunkAt_[i])]);
  return -1;
}

}  // namespace billet::cli
