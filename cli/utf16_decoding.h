// A `lint`/`audit`/`test` input in UTF-16, as kubectl decodes it before it reads anything.
//
// kubectl reads every file and standard input through golang.org/x/text's BOMOverride: after a
// UTF-16 byte order mark (FF FE little-endian, FE FF big-endian) the text is decoded from UTF-16
// to UTF-8, and everything after (JSON or YAML, `---` lines, control characters) is judged on
// that. Windows PowerShell writes UTF-16 when output is redirected to a file. The decoding follows
// x/text's: a surrogate followed by a low surrogate is one character when the first is a high one
// and one U+FFFD when not (both are taken); any other surrogate is U+FFFD; a byte left alone at
// the end is U+FFFD. The byte order mark is dropped. UTF-32 is not decoded (kubectl does not
// either: FF FE 00 00 reads as UTF-16 and a NUL, which both then refuse).
//
//   Utf16Decoding utf8(&raw);   // raw starts with FF FE or FE FF
//   std::istream in(&utf8);
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace billet::cli {

// Whether `text` starts with a UTF-16 byte order mark.
bool startsWithUtf16Bom(std::string_view text);

class Utf16Decoding final : public std::streambuf {
 public:
  // `source` starts with a UTF-16 byte order mark. `chunk`: how many bytes a read asks the source
  // for (small in tests, to cut characters).
  explicit Utf16Decoding(std::streambuf* source, std::size_t chunk = std::size_t{1} << 16);

 protected:
  int_type underflow() override;

 private:
  std::streambuf* source_;
  std::size_t chunk_;
  std::vector<char> in_;  // bytes held from the last read (a unit or pair it cut), then this read's
  std::size_t held_ = 0;
  std::string out_;
  bool first_ = true;
  bool bigEndian_ = false;
  bool ended_ = false;
};

}  // namespace billet::cli
