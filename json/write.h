// Serializing a Value: compact JSON (the wire format) and indented JSON (for people).
// Strings are escaped as RFC 8259 requires (", \, control characters); UTF-8 passes through.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "json/value.h"

namespace billet::json {

void write(const Value& v, std::string& out);  // compact, appends to out
std::string write(const Value& v);
std::string writePretty(const Value& v, int indent = 2);
void writeString(std::string_view s, std::string& out);  // a quoted, escaped JSON string

// Appends JSON text to a string through a cursor: room is made in large steps (the string is
// resized, so grown and zeroed, once per step, not per piece), and each piece is then stored
// without a capacity check of its own. For writers of many small pieces, such as a JSON Patch's
// operations (json/patch.cc). `out` holds exactly what was written once the Writer is gone, and
// must not be used by anything else while it lives.
//   Writer w(out);
//   w.raw(R"({"op":")"); w.raw(op); w.raw(R"(","value":)"); w.value(v); w.raw('}');
class Writer {
 public:
  // `expected`: the bytes the caller expects to write, room made up front.
  explicit Writer(std::string& out, std::size_t expected = 256) : out_(out) {
    const std::size_t used = out_.size();
    out_.resize(used + expected);
    cur_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  ~Writer() { finish(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void raw(char c) {
    reserve(1);
    *cur_++ = c;
  }
  void raw(std::string_view text) {
    reserve(text.size());
    std::memcpy(cur_, text.data(), text.size());
    cur_ += text.size();
  }
  void string(std::string_view s);  // quoted and escaped
  void value(const Value& v);       // compact JSON

  // The bytes of `out` written so far, and going back to fewer of them (to write a piece again
  // another way).
  std::size_t size() const { return static_cast<std::size_t>(cur_ - out_.data()); }
  void rewind(std::size_t size) { cur_ = out_.data() + size; }

  // Room for at least n more bytes, then the cursor to store them through.
  [[gnu::always_inline]] void reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) grow(n);
  }
  char*& cursor() { return cur_; }

 private:
  void finish() { out_.resize(size()); }
  [[gnu::noinline]] void grow(std::size_t n);

  std::string& out_;
  char* cur_;
  char* end_;
};

}  // namespace billet::json
