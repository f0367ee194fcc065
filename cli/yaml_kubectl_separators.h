// A `lint`/`audit` YAML stream's `---` lines as kubectl reads them, before yaml-cpp reads them.
//
// kubectl cuts a stream into pieces at the lines that begin with `---` before any YAML is read
// (k8s.io/apimachinery's YAMLReader), by their text alone:
// - a line that begins with `---` and holds more than blanks and a comment after the dashes
//   (`--- {a: 1}`, `----`, `---x`) ends the stream with "invalid Yaml document separator";
// - any other is a separator: a comment may follow the dashes directly (`---#c`), where YAML
//   would read a plain scalar;
// - a separator is cut away when something came before it since the stream's start or the last
//   separator cut away, and kept, as the first line of the piece it begins, otherwise (there
//   YAML reads it: `---#c` is then a plain scalar to kubectl too).
//
// KubectlSeparators passes the bytes through with a separator that is cut away blanked after its
// dashes (`---#c` becomes `---  `: a separator to yaml-cpp too; the same bytes in length, so
// every position stays the same), and ends the stream at the start of the first line kubectl
// refuses, whose error it keeps: yaml-cpp reads the documents before it, and what the cut
// makes it say about the line is not what kubectl says (an unclosed quote, a key with no `:`).
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <vector>

#include "cli/yaml_stream.h"

namespace billet::cli {

class KubectlSeparators final : public std::streambuf {
 public:
  // `chunk`: how many bytes a read asks the source for (small in tests, to cut lines).
  explicit KubectlSeparators(std::streambuf* source, std::size_t chunk = std::size_t{1} << 16);

  // The line that begins with `---` kubectl refuses, at column 1 ("invalid YAML: …"); line 0
  // while none. The stream ends before it.
  const YamlStreamError& refused() const { return refused_; }
  // The line of the separator cut away that began the piece of the stream the refused line is
  // in; 0 when it is the stream's first piece. kubectl refuses the line before it reads any YAML
  // of that piece: an error in the piece, at a line after this one, is not kubectl's.
  int refusedPieceStart() const { return refusedPieceStart_; }

 protected:
  int_type underflow() override;

 private:
  enum class Mode {
    kLineStart,    // at the start of a line: the bytes read of it are in pending_
    kAfterDashes,  // pending_ holds `---` and blanks after it
    kCopyLine,     // passing the rest of the line through
    kBlankLine,    // blanking the rest of a separator that is cut away
    kRefusedTail,  // reading what follows the dashes of a refused line, for the message
  };
  // Reads in_[from, end) on, into out_. `last`: the source has ended.
  void passOn(std::size_t from, std::size_t end, bool last);
  // The bytes of pending_ decided: a separator (kept or cut away) or not one.
  void decided(bool separator);
  // The character of several bytes at pending_[charStart_] is whole: a space, or refused.
  void judgeCharacter();
  void refuse();
  void finishRefusal();

  std::streambuf* source_;
  std::size_t chunk_;
  std::vector<char> in_;
  std::string out_;
  std::string pending_;  // the start of the current line, while it may be a separator
  std::string tail_;     // what follows a refused line's dashes, for the message
  Mode mode_ = Mode::kLineStart;
  std::size_t charStart_ = std::string::npos;  // in pending_, while a character is incomplete
  bool pieceEmpty_ = true;  // nothing since the start or the last separator cut away
  bool ended_ = false;
  bool first_ = true;  // nothing read yet
  int line_ = 1;       // of the current line
  int lastCut_ = 0;    // the line of the last separator cut away
  int refusedPieceStart_ = 0;
  YamlStreamError refused_;
};

}  // namespace billet::cli
