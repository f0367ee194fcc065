#include "json/write.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/text.h"

namespace billet::json {
namespace {

// Appends to a std::string through a raw cursor: room is made in large steps (`reserve`), and
// the bytes are then stored without a capacity check each. `finish` trims to what was written.
class Sink {
 public:
  // `expected`: the bytes the caller expects to write, room made up front.
  Sink(std::string& out, std::size_t expected) : out_(out) {
    const std::size_t used = out_.size();
    out_.resize(used + expected);
    cur_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  ~Sink() { finish(); }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Makes room for at least n more bytes.
  [[gnu::always_inline]] void reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) grow(n);
  }
  // These assume the room was reserved.
  void put(char c) { *cur_++ = c; }
  void put(const char* s, std::size_t n) {
    std::memcpy(cur_, s, n);
    cur_ += n;
  }
  char*& cursor() { return cur_; }

  void finish() { out_.resize(static_cast<std::size_t>(cur_ - out_.data())); }

 private:
  [[gnu::noinline]] void grow(std::size_t n) {
    const std::size_t used = static_cast<std::size_t>(cur_ - out_.data());
    out_.resize(std::max(out_.size() * 2, used + n + 256));
    cur_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }

  std::string& out_;
  char* cur_;
  char* end_;
};

void putString(std::string_view s, Sink& sink) {
  sink.reserve(base::kJsonStringWorstCase * s.size() + 2);
  sink.cursor() = base::writeJsonString(s, sink.cursor());
}

void putValue(const Value& v, Sink& sink) {
  switch (v.type()) {
    case Type::kNull:
      sink.reserve(4);
      sink.put("null", 4);
      return;
    case Type::kBool:
      sink.reserve(5);
      if (v.asBool())
        sink.put("true", 4);
      else
        sink.put("false", 5);
      return;
    case Type::kNumber: {
      const std::string& t = v.asNumberText();
      sink.reserve(t.size());
      sink.put(t.data(), t.size());
      return;
    }
    case Type::kString:
      putString(v.asString(), sink);
      return;
    case Type::kArray: {
      const Array& a = v.asArray();
      sink.reserve(2);
      sink.put('[');
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i > 0) {
          sink.reserve(1);
          sink.put(',');
        }
        putValue(a[i], sink);
      }
      sink.reserve(1);
      sink.put(']');
      return;
    }
    case Type::kObject: {
      const Object& o = v.asObject();
      sink.reserve(2);
      sink.put('{');
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i > 0) {
          sink.reserve(1);
          sink.put(',');
        }
        putString(o[i].key, sink);
        sink.reserve(1);
        sink.put(':');
        putValue(o[i].value, sink);
      }
      sink.reserve(1);
      sink.put('}');
      return;
    }
  }
}

void newline(Sink& sink, std::size_t spaces) {
  sink.reserve(spaces + 1);
  char*& out = sink.cursor();
  *out++ = '\n';
  std::memset(out, ' ', spaces);
  out += spaces;
}

void putPretty(const Value& v, Sink& sink, std::size_t indent, std::size_t depth) {
  if (v.isArray() && !v.asArray().empty()) {
    const Array& a = v.asArray();
    sink.reserve(1);
    sink.put('[');
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i > 0) {
        sink.reserve(1);
        sink.put(',');
      }
      newline(sink, indent * (depth + 1));
      putPretty(a[i], sink, indent, depth + 1);
    }
    newline(sink, indent * depth);
    sink.reserve(1);
    sink.put(']');
    return;
  }
  if (v.isObject() && !v.asObject().empty()) {
    const Object& o = v.asObject();
    sink.reserve(1);
    sink.put('{');
    for (std::size_t i = 0; i < o.size(); ++i) {
      if (i > 0) {
        sink.reserve(1);
        sink.put(',');
      }
      newline(sink, indent * (depth + 1));
      putString(o[i].key, sink);
      sink.reserve(2);
      sink.put(": ", 2);
      putPretty(o[i].value, sink, indent, depth + 1);
    }
    newline(sink, indent * depth);
    sink.reserve(1);
    sink.put('}');
    return;
  }
  putValue(v, sink);  // scalars, [] and {}
}

}  // namespace

void writeString(std::string_view s, std::string& out) {
  Sink sink(out, s.size() * 6 + 2);
  putString(s, sink);
}

void write(const Value& v, std::string& out) {
  Sink sink(out, v.isScalar() ? 32 : 1024);
  putValue(v, sink);
}

std::string write(const Value& v) {
  std::string out;
  write(v, out);
  return out;
}

// Indented like Go's json.MarshalIndent: one member or element per line, "key": value, empty
// containers as {} and [], no trailing newline.
std::string writePretty(const Value& v, int indent) {
  std::string out;
  {
    Sink sink(out, 1024);
    putPretty(v, sink, indent < 0 ? 0 : static_cast<std::size_t>(indent), 0);
  }
  return out;
}

}  // namespace billet::json
