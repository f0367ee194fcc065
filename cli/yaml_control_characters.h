// Control characters in a `lint`/`audit` YAML stream, refused as kubectl refuses them.
//
// kubectl cuts a YAML stream into documents at its `---` lines and reads each with go-yaml, whose
// reader refuses a character outside YAML's printable set anywhere in the document, comments
// included ("control characters are not allowed"): NUL, ESC, DEL, the C1 controls but NEL,
// U+FFFE, U+FFFF; tab and line breaks are allowed. yaml-cpp reads them into scalars, or skips
// them in comments, and escapes in double quotes (`"\x01"`) are allowed, so the check is on the
// stream's bytes before yaml-cpp sees them:
//
//   - ControlCharacterCheck sits between the input and the reader: it passes the bytes through,
//     scanning them 16 at a time, and records where the first control character is (an input
//     line and column, in bytes). The reader reads on: cutting the stream there would make it
//     report what the cut breaks (an unclosed quote) instead.
//   - HeldCallbacks sits between the reader and the callbacks: it holds each document or List
//     item until the next one begins (a document's `---`, the next item, or the stream's end),
//     and hands it over only when no control character was found before that beginning's
//     line ends (what begins on the character's line may begin after it, in the same line). A
//     character after a document's last node, in a comment before the next `---`, is in that
//     document as kubectl cuts the stream; the check at the next beginning finds it, since the
//     reader has read past it by then.
//
// What the character is in is not handed over, and nothing after it: the stream's error is the
// character's, unless the reader failed on an earlier line. The items of a List before it are
// handed over (a List is read as a stream; kubectl refuses the whole List, one document to it).
// A stream in UTF-16 is decoded before it comes here (utf16_decoding.h).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <streambuf>
#include <string>
#include <vector>

#include "cli/yaml_stream.h"
#include "json/value.h"

namespace billet::cli {

class ControlCharacterCheck final : public std::streambuf {
 public:
  explicit ControlCharacterCheck(std::streambuf* source);

  // The first control character read so far ("invalid YAML: control character U+0001 is not
  // allowed in YAML" at its line and column); line 0 while there is none. Later ones are not
  // looked for.
  const YamlStreamError& found() const { return found_; }

 protected:
  int_type underflow() override;

 private:
  // Scans buffer_[from, end): false, with found_ set and the readable end at the character, when
  // there is one.
  bool scan(std::size_t from, std::size_t end);
  void foundAt(std::size_t at, unsigned codePoint);

  std::streambuf* source_;
  std::vector<char> buffer_;
  std::size_t held_ = 0;       // bytes kept at the buffer's start: a sequence cut by the last read
  bool ended_ = false;         // the source is exhausted
  int line_ = 1;               // the line of buffer_[0]
  std::size_t lineStart_ = 0;  // how many bytes of that line precede buffer_[0]
  YamlStreamError found_;
};

// Callbacks that hold each document and item until the next begins (see above). Call finish()
// after the reader ends: it hands over what is held, or reports the character.
class HeldCallbacks {
 public:
  HeldCallbacks(const YamlStreamCallbacks& target, const ControlCharacterCheck& check);
  HeldCallbacks(const HeldCallbacks&) = delete;
  HeldCallbacks& operator=(const HeldCallbacks&) = delete;

  const YamlStreamCallbacks& callbacks() const { return callbacks_; }

  // After the reader: `readerOk` and `readerError` are what it returned. Returns the stream's
  // result: false with `error` set when a control character cut a document (or came before the
  // reader's own error), else the reader's.
  bool finish(bool readerOk, YamlStreamError& error);

 private:
  struct Held {
    enum class Kind { kDocument, kItem, kList, kError, kSkipped } kind;
    json::Value value;
    int line = 0;
    YamlStreamError error;
  };
  // Something new begins at `line`: what is held before it is handed over, unless a control
  // character came before `line`.
  void begin(int line);
  void hold(Held held);
  void handOver(Held& held);

  const YamlStreamCallbacks& target_;
  const ControlCharacterCheck& check_;
  YamlStreamCallbacks callbacks_;
  std::deque<Held> held_;
  bool cut_ = false;  // a control character cut a document: nothing more is handed over
};

}  // namespace billet::cli
