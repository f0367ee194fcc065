#include "cli/spool.h"

#include <algorithm>
#include <vector>

namespace billet::cli {

Spool::Extent Spool::append(std::string_view text) {
  const Extent extent{size_, text.size()};
  if (!file_ && memory_.size() + text.size() > memoryLimit_) {
    // Where no temporary file can be made (a read-only /tmp), the body stays in memory.
    if (std::FILE* f = std::tmpfile()) {
      file_.reset(f);
      std::fwrite(memory_.data(), 1, memory_.size(), f);
      std::string().swap(memory_);
    }
  }
  if (file_) {
    std::fseek(file_.get(), 0, SEEK_END);
    std::fwrite(text.data(), 1, text.size(), file_.get());
  } else {
    memory_.append(text);
  }
  size_ += text.size();
  return extent;
}

void Spool::copyTo(std::ostream& out, Extent extent) const {
  if (!file_) {
    out.write(memory_.data() + extent.offset, static_cast<std::streamsize>(extent.size));
    return;
  }
  std::fflush(file_.get());
  std::fseek(file_.get(), static_cast<long>(extent.offset), SEEK_SET);
  std::vector<char> buffer(1 << 16);
  for (std::size_t left = extent.size; left > 0;) {
    const std::size_t n = std::fread(buffer.data(), 1, std::min(left, buffer.size()), file_.get());
    if (n == 0) break;
    out.write(buffer.data(), static_cast<std::streamsize>(n));
    left -= n;
  }
}

}  // namespace billet::cli
