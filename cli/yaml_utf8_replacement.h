// Bytes that are not UTF-8 in a `lint`/`audit` YAML stream, read as kubectl reads them.
//
// kubectl decodes each file it reads as UTF-8 with replacement before it parses the YAML: a
// sequence that is not UTF-8 becomes U+FFFD, one for each maximal subpart
// (base::invalidUtf8Length), wherever it is (a value, a key, a comment), and the object it sends
// holds U+FFFD there. The `yaml-scalars` cluster test shows the API server storing what kubectl
// sent. Utf8Replacement does the same between the input and the reader: it passes the bytes
// through, each maximal subpart replaced, so that billet judges (and `--patched` prints) the
// object kubectl sends, instead of refusing a file kubectl applies.
//
// A replacement is three bytes: a column the reader names after one, on its line, counts them.
// A stream that starts with a UTF-16 or UTF-32 byte order mark is passed through as it is:
// yaml-cpp decodes it.
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <vector>

namespace billet::cli {

class Utf8Replacement final : public std::streambuf {
 public:
  // `chunk`: how many bytes a read asks the source for (small in tests, to cut sequences).
  explicit Utf8Replacement(std::streambuf* source, std::size_t chunk = std::size_t{1} << 16);

  // How many maximal subparts were replaced so far.
  std::size_t replaced() const { return replaced_; }

 protected:
  int_type underflow() override;

 private:
  // Passes in_[0, end) on, from in_ itself when it is all UTF-8, else from out_. Returns the
  // size of a sequence at its end that the read may have cut (held for the next read), which
  // is not passed on; 0 when `last`.
  std::size_t passOn(std::size_t end, bool last);

  std::streambuf* source_;
  std::size_t chunk_;
  std::vector<char> in_;  // the bytes held from the last read, then this read's
  std::string out_;       // this read's bytes with their replacements, when it had any
  std::size_t held_ = 0;  // bytes kept at in_'s start: a sequence the last read may have cut
  std::size_t next_ = 0;  // where in in_ the held bytes are, until the next read moves them
  bool ended_ = false;    // the source is exhausted
  bool first_ = true;     // nothing read yet
  bool decode_ = true;    // false after a UTF-16 or UTF-32 byte order mark
  std::size_t replaced_ = 0;
};

}  // namespace billet::cli
