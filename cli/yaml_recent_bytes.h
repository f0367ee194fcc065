// The bytes yaml-cpp read most recently, by the position its marks give them.
//
// Five of kubectl's readings need bytes that yaml-cpp's events do not give:
// - yaml-cpp gives an empty entry of a flow sequence (`[1, , 2]`) the same event as `~`: a null
//   at the position of the token after it. kubectl refuses the first ("did not find expected
//   node content") and reads the second: a ',' or ']' at that position tells them apart.
// - yaml-cpp starts a document at its `---`, or at its first token when it has none (after a
//   `...` line); kubectl drops the second kind when a document came before it since the last
//   `---` line.
// - yaml-cpp drops line breaks at the end of some quoted and folded scalars; how many blank lines
//   end one is in its bytes (cli/yaml_scalar_tails.h).
// - yaml-cpp ends a plain scalar in a flow collection at a `:` before `,`, `]` or `}`, where
//   kubectl keeps the `:` in it: the byte after the scalar says (cli/yaml_flow_colon.h).
// - yaml-cpp reads `\/` in a double-quoted scalar as `/` (YAML 1.2), where kubectl's reader
//   (YAML 1.1) refuses it: only the scalar's bytes say it was written so.
// The reader keeps no text, so this stream, the last one before yaml-cpp, keeps a window of what
// it passed on (64 KiB: yaml-cpp reads ahead of the events it gives by far less).
//
// Each read takes what the source has ready, never more. The source may be handing over the
// placeholders of List entries parsed ahead (cli/yaml_parallel_source.h), each a few bytes
// whose entry's value is held until yaml-cpp reads it: reading 16 KiB at once held thousands
// of parsed entries, and `lint` of a cluster dump peaked at 72 MiB instead of 23.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <streambuf>
#include <vector>

namespace billet::cli {

// The byte at a yaml-cpp Mark's position; -1 past the end of the text, or when unknown (what the
// readers of cli/yaml_layout_bytes.h and cli/yaml_scalar_tails.h ask RecentBytes::at, or a text).
using ByteAt = std::function<int(std::size_t)>;

class RecentBytes final : public std::streambuf {
 public:
  explicit RecentBytes(std::streambuf* source);

  // The byte at `pos` as a yaml-cpp Mark counts it (UTF-8 bytes after a byte order mark), or -1
  // when it is outside the window. The stream is UTF-8 (KubectlDecoding comes before).
  int at(std::size_t pos) const;
  // The position of the first tab read so far (as at() counts), or SIZE_MAX: checks about tabs
  // (kubectl allows fewer than yaml-cpp) cost nothing in the many files that hold none.
  std::size_t firstTab() const { return firstTab_; }
  // The position of the last backslash read so far, or SIZE_MAX: the check of a double-quoted
  // scalar's escapes (`\/`, which kubectl refuses) looks at bytes only when one is in it.
  std::size_t lastBackslash() const { return lastBackslash_; }

 protected:
  int_type underflow() override;

 private:
  static constexpr std::size_t kWindow = 64 << 10;
  static constexpr std::size_t kMaxRead = 16 << 10;

  std::streambuf* source_;
  // The last kWindow bytes read, the byte at stream offset o at window_[o % kWindow]: a read
  // stops at the ring's end, so that what it hands on is contiguous.
  std::vector<char> window_;
  std::uint64_t read_ = 0;    // bytes read from the source
  std::uint64_t offset_ = 0;  // stream offset of the first byte yaml-cpp counts (after a BOM)
  std::size_t firstTab_ = SIZE_MAX;
  std::size_t lastBackslash_ = SIZE_MAX;
};

}  // namespace billet::cli
