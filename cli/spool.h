// Output kept for later. A report whose opening counts what follows (JUnit's totals, SARIF's rule
// list, a PolicyReport's summary) can only write its body at the end; the body is kept here, in
// memory while it is small and in an unnamed temporary file past that, so that a run's memory does
// not grow with the number of objects it reports.
#pragma once

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace billet::cli {

class Spool {
 public:
  struct Extent {
    std::size_t offset = 0, size = 0;
  };

  // Bytes held in memory before the spool moves to a temporary file.
  explicit Spool(std::size_t memoryLimit = 8u << 20) : memoryLimit_(memoryLimit) {}

  Extent append(std::string_view text);
  // Writes what append() returned, or everything appended so far.
  void copyTo(std::ostream& out, Extent extent) const;
  void copyTo(std::ostream& out) const { copyTo(out, {0, size_}); }
  std::size_t size() const { return size_; }
  bool onDisk() const { return file_ != nullptr; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::size_t memoryLimit_;
  std::size_t size_ = 0;
  std::string memory_;
  std::unique_ptr<std::FILE, Closer>
      file_;  // once memory_ passed the limit (then memory_ is empty)
};

}  // namespace billet::cli
