// A `lint`/`audit` input's bytes as kubectl's decoding leaves them for its YAML or JSON reader.
//
// - Bytes that are not UTF-8. kubectl decodes each file it reads as UTF-8 with replacement
//   before it parses it, JSON as well as YAML: a sequence that is not UTF-8 becomes U+FFFD, one
//   for each maximal subpart (base::invalidUtf8Length), wherever it is (a value, a key, a
//   comment), and the object it sends holds U+FFFD there. After a UTF-8 byte order mark its
//   decoder passes the bytes on as they are instead: its YAML reader refuses them, and its JSON
//   decoder reads U+FFFD for each of them (two for a cut `E2 82`); so are they passed on here.
// - NEL (U+0085), for the YAML reader only. kubectl's reader follows YAML 1.1, where NEL is a line
// break, as a line feed
//   is: it ends a comment, folds into a space in a quoted scalar, is a line feed in a block
//   scalar. yaml-cpp keeps it as a character (or drops it), so it is passed on as a line feed.
//   (U+2028 and U+2029 are line breaks to kubectl too, but kept as characters in quoted and block
//   scalars: no byte for byte change reads them alike; docs/decisions.md.)
//
// KubectlDecoding sits between the input and the reader and passes the bytes through, so changed,
// so that billet judges (and `--patched` prints) the object kubectl sends, instead of refusing a
// file kubectl applies. The `yaml-scalars` cluster test compares both with the API server.
//
// A replacement is three bytes: a column the reader names after one, on its line, counts them;
// lines count NEL as kubectl's reader counts it. A stream in UTF-16 is decoded before it comes
// here (utf16_decoding.h); UTF-32 is read as bytes, as kubectl reads it (and its NULs refused).
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <vector>

namespace billet::cli {

class KubectlDecoding final : public std::streambuf {
 public:
  // The reader the bytes are for: JSON's keeps NEL as the character it is in a string (and
  // refuses it between tokens, as Go's JSON decoder does).
  enum class Reader { kYaml, kJson };
  // `chunk`: how many bytes a read asks the source for (small in tests, to cut sequences).
  // `afterUtf8Bom`: the input had a UTF-8 byte order mark, dropped before `source` (one that
  // `source` starts with is seen here).
  explicit KubectlDecoding(std::streambuf* source, std::size_t chunk = std::size_t{1} << 16,
                           Reader reader = Reader::kYaml, bool afterUtf8Bom = false);

  // How many U+FFFD were put in so far.
  std::size_t replaced() const { return replaced_; }

 protected:
  int_type underflow() override;

 private:
  // Passes in_[0, end) on, from in_ itself when nothing in it changes, else from out_. Returns the
  // size of a sequence at its end that the read may have cut (held for the next read), which
  // is not passed on; 0 when `last`.
  std::size_t passOn(std::size_t end, bool last);

  std::streambuf* source_;
  std::size_t chunk_;
  std::vector<char> in_;  // the bytes held from the last read, then this read's
  std::string out_;       // this read's bytes with their changes, when it had any
  std::size_t held_ = 0;  // bytes kept at in_'s start: a sequence the last read may have cut
  std::size_t next_ = 0;  // where in in_ the held bytes are, until the next read moves them
  bool ended_ = false;    // the source is exhausted
  bool nelAsLineFeed_;
  bool afterUtf8Bom_;  // what is not UTF-8 is passed on as kubectl's decoder passes it then
  bool first_ = true;  // nothing read yet
  std::size_t replaced_ = 0;
};

// `text` as a KubectlDecoding of it for the JSON reader reads: U+FFFD for what is not UTF-8.
std::string decodedForJson(std::string text, bool afterUtf8Bom);

}  // namespace billet::cli
