#include "json/write.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/text.h"

namespace billet::json {
namespace {

// These assume the room was reserved.
[[gnu::always_inline]] inline void put(Writer& w, char c) {
  *w.cursor()++ = c;
}
[[gnu::always_inline]] inline void put(Writer& w, const char* s, std::size_t n) {
  std::memcpy(w.cursor(), s, n);
  w.cursor() += n;
}

void putString(std::string_view s, Writer& sink) {
  sink.reserve(base::kJsonStringWorstCase * s.size() + 2);
  sink.cursor() = base::writeJsonString(s, sink.cursor());
}

void putValue(const Value& v, Writer& sink) {
  switch (v.type()) {
    case Type::kNull:
      sink.reserve(4);
      put(sink, "null", 4);
      return;
    case Type::kBool:
      sink.reserve(5);
      if (v.asBool())
        put(sink, "true", 4);
      else
        put(sink, "false", 5);
      return;
    case Type::kNumber: {
      const std::string_view t = v.asNumberText();
      sink.reserve(t.size());
      put(sink, t.data(), t.size());
      return;
    }
    case Type::kString:
      putString(v.asString(), sink);
      return;
    case Type::kArray: {
      const Array& a = v.asArray();
      sink.reserve(2);
      put(sink, '[');
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i > 0) {
          sink.reserve(1);
          put(sink, ',');
        }
        putValue(a[i], sink);
      }
      sink.reserve(1);
      put(sink, ']');
      return;
    }
    case Type::kObject: {
      const Object& o = v.asObject();
      sink.reserve(2);
      put(sink, '{');
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i > 0) {
          sink.reserve(1);
          put(sink, ',');
        }
        putString(o[i].key, sink);
        sink.reserve(1);
        put(sink, ':');
        putValue(o[i].value, sink);
      }
      sink.reserve(1);
      put(sink, '}');
      return;
    }
  }
}

void newline(Writer& sink, std::size_t spaces) {
  sink.reserve(spaces + 1);
  char*& out = sink.cursor();
  *out++ = '\n';
  std::memset(out, ' ', spaces);
  out += spaces;
}

void putPretty(const Value& v, Writer& sink, std::size_t indent, std::size_t depth) {
  if (v.isArray() && !v.asArray().empty()) {
    const Array& a = v.asArray();
    sink.reserve(1);
    put(sink, '[');
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i > 0) {
        sink.reserve(1);
        put(sink, ',');
      }
      newline(sink, indent * (depth + 1));
      putPretty(a[i], sink, indent, depth + 1);
    }
    newline(sink, indent * depth);
    sink.reserve(1);
    put(sink, ']');
    return;
  }
  if (v.isObject() && !v.asObject().empty()) {
    const Object& o = v.asObject();
    sink.reserve(1);
    put(sink, '{');
    for (std::size_t i = 0; i < o.size(); ++i) {
      if (i > 0) {
        sink.reserve(1);
        put(sink, ',');
      }
      newline(sink, indent * (depth + 1));
      putString(o[i].key, sink);
      sink.reserve(2);
      put(sink, ": ", 2);
      putPretty(o[i].value, sink, indent, depth + 1);
    }
    newline(sink, indent * depth);
    sink.reserve(1);
    put(sink, '}');
    return;
  }
  putValue(v, sink);  // scalars, [] and {}
}

}  // namespace

void Writer::grow(std::size_t n) {
  const std::size_t used = size();
  out_.resize(std::max(out_.size() * 2, used + n + 256));
  cur_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void Writer::string(std::string_view s) {
  putString(s, *this);
}

void Writer::value(const Value& v) {
  putValue(v, *this);
}

void writeString(std::string_view s, std::string& out) {
  Writer w(out, s.size() * 6 + 2);
  putString(s, w);
}

void write(const Value& v, std::string& out) {
  Writer w(out, v.isScalar() ? 32 : 1024);
  putValue(v, w);
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
    Writer w(out, 1024);
    putPretty(v, w, indent < 0 ? 0 : static_cast<std::size_t>(indent), 0);
  }
  return out;
}

}  // namespace billet::json
