#include "json/write.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "json/parse.h"

using billet::json::Array;
using billet::json::Member;
using billet::json::Object;
using billet::json::parse;
using billet::json::Value;
using billet::json::write;
using billet::json::writePretty;
using billet::json::writeString;

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  writeString(s, out);
  return out;
}

}  // namespace

TEST_CASE("write: compact output has no whitespace") {
  Value v = Value::object();
  v.set("a", Value::number(1));
  v.set("b", Value::array({Value::boolean(true), Value()}));
  v.set("c", Value::object());
  v.set("d", Value::array());
  v.set("e", Value::string("x"));
  v.set("f", Value::boolean(false));
  CHECK(write(v) == R"({"a":1,"b":[true,null],"c":{},"d":[],"e":"x","f":false})");
}

TEST_CASE("write: scalars at the root") {
  CHECK(write(Value()) == "null");
  CHECK(write(Value::boolean(true)) == "true");
  CHECK(write(Value::boolean(false)) == "false");
  CHECK(write(Value::number("1.50e+3")) == "1.50e+3");
  CHECK(write(Value::number(-42)) == "-42");
  CHECK(write(Value::string("")) == "\"\"");
}

TEST_CASE("write: appends to the output") {
  std::string out = "prefix:";
  write(Value::array({Value::number(1)}), out);
  CHECK(out == "prefix:[1]");
  write(Value::string("s"), out);
  CHECK(out == "prefix:[1]\"s\"");
  writeString("t", out);
  CHECK(out == "prefix:[1]\"s\"\"t\"");
}

TEST_CASE("write: string escaping table") {
  CHECK(quoted("plain") == "\"plain\"");
  CHECK(quoted("\"") == R"("\"")");
  CHECK(quoted("\\") == R"("\\")");
  CHECK(quoted("/") == "\"/\"");  // solidus is not escaped
  CHECK(quoted("\b") == R"("\b")");
  CHECK(quoted("\f") == R"("\f")");
  CHECK(quoted("\n") == R"("\n")");
  CHECK(quoted("\r") == R"("\r")");
  CHECK(quoted("\t") == R"("\t")");
  CHECK(quoted(std::string(1, '\0')) == R"("\u0000")");
  CHECK(quoted("\x01") == R"("\u0001")");
  CHECK(quoted("\x0B") == R"("\u000b")");
  CHECK(quoted("\x1F") == R"("\u001f")");
  CHECK(quoted("\x7F") == "\"\x7F\"");
  CHECK(quoted(" ") == "\" \"");
  // UTF-8 passes through unchanged, including U+2028 and U+2029.
  CHECK(quoted("caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80") ==
        "\"caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80\"");
  // Every control character, one by one.
  for (int c = 0; c < 0x20; ++c) {
    const std::string out = quoted(std::string(1, static_cast<char>(c)));
    INFO("byte " << c);
    CHECK(out.size() >= 4);
    CHECK(out[1] == '\\');
    auto back = parse(out);
    REQUIRE(back.ok());
    CHECK(back.value.asString() == std::string(1, static_cast<char>(c)));
  }
}

TEST_CASE("write: escapes inside long strings at every position") {
  // Exercise the block-wise scan: the special byte sits at each offset of a 40-byte string.
  for (std::size_t pos = 0; pos < 40; ++pos) {
    for (char special : {'"', '\\', '\n', '\x01'}) {
      std::string s(40, 'a');
      s[pos] = special;
      const std::string out = quoted(s);
      INFO("pos " << pos << " byte " << static_cast<int>(special));
      auto back = parse(out);
      REQUIRE(back.ok());
      CHECK(back.value.asString() == s);
      CHECK(out.size() == s.size() + 2 + (special == '\x01' ? 5 : 1));
    }
  }
}

TEST_CASE("write: every mix of plain, special and non-ASCII bytes escapes as the table says") {
  // The byte-at-a-time reading of the escaping table, against which the block-wise scans (16
  // and 8 bytes) are checked on strings of every length up to 70, at every alignment.
  const auto reference = [](std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
        out += '\\';
        out += "bfnrt"[std::string_view("\b\f\n\r\t").find(ch)];
      } else if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += ch;
      }
    }
    return out + '"';
  };
  const std::string bytes = std::string("ab/ ~\x7f\x80\xc3\xa9\xff\"\\\n\x01\x1f") + '\0';
  std::uint32_t state = 12345;
  const auto next = [&] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  const std::string padding(16, '.');
  for (std::size_t size = 0; size <= 70; ++size) {
    for (int round = 0; round < 40; ++round) {
      std::string s;
      // Mostly plain runs, as real text is, with a special or non-ASCII byte now and then.
      for (std::size_t i = 0; i < size; ++i)
        s += next() % 4 == 0 ? bytes[next() % bytes.size()] : static_cast<char>('a' + next() % 26);
      const std::size_t shift = round % 16;
      const std::string shifted = padding.substr(0, shift) + s;
      const std::string_view view = std::string_view(shifted).substr(shift);
      INFO("size " << size << " round " << round);
      CHECK(quoted(view) == reference(s));
    }
  }
}

TEST_CASE("write: keys are escaped too") {
  Value v = Value::object();
  v.set("a\"b", Value::number(1));
  v.set("line\nbreak", Value::number(2));
  CHECK(write(v) == R"({"a\"b":1,"line\nbreak":2})");
}

TEST_CASE("write: pretty output") {
  Value v = Value::object();
  v.set("a", Value::number(1));
  v.set("b", Value::array({Value::boolean(true), Value(), Value::object()}));
  v.set("c", Value::object());
  v["d"]["e"] = Value::string("x\ty");
  CHECK(writePretty(v) ==
        "{\n"
        "  \"a\": 1,\n"
        "  \"b\": [\n"
        "    true,\n"
        "    null,\n"
        "    {}\n"
        "  ],\n"
        "  \"c\": {},\n"
        "  \"d\": {\n"
        "    \"e\": \"x\\ty\"\n"
        "  }\n"
        "}");
  CHECK(writePretty(v, 4).find("\n    \"a\": 1,\n") != std::string::npos);
  CHECK(writePretty(Value::array()) == "[]");
  CHECK(writePretty(Value::number(3)) == "3");
  CHECK(writePretty(Value::array({Value::number(1)}), 0) == "[\n1\n]");
  auto back = parse(writePretty(v));
  REQUIRE(back.ok());
  CHECK(back.value == v);
}

TEST_CASE("write: round trip parse -> write -> parse") {
  const char* docs[] = {
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a/b":"c~d"}},)"
      R"("spec":{"containers":[{"name":"c","image":"nginx:1.25","resources":{"limits":)"
      R"({"nvidia.com/gpu":"1","memory":"52000Mi"}}}],"priority":-1,"ratio":0.25e-3}})",
      R"([[],{},[[]],{"":{"":""}},"\u0000\u001f\"\\\/",1E+2,-0,true,false,null])",
      "\"caf\xC3\xA9\"",
      R"({"esc":"\b\f\n\r\t","uni":"\u00e9\u20ac\ud83d\ude00"})",
  };
  for (const char* d : docs) {
    INFO(d);
    auto first = parse(d);
    REQUIRE(first.ok());
    const std::string once = write(first.value);
    auto second = parse(once);
    REQUIRE(second.ok());
    CHECK(second.value == first.value);
    CHECK(write(second.value) == once);
    auto pretty = parse(writePretty(first.value));
    REQUIRE(pretty.ok());
    CHECK(pretty.value == first.value);
  }
}

TEST_CASE("write: large documents grow the output correctly") {
  Array elements;
  for (int i = 0; i < 5000; ++i) {
    Object o;
    o.push_back(Member{"index", Value::number(i)});
    o.push_back(
        Member{"text", Value::string(std::string(static_cast<std::size_t>(i % 97), 'x') + "\"")});
    elements.push_back(Value::object(std::move(o)));
  }
  Value big = Value::array(std::move(elements));
  const std::string out = write(big);
  auto back = parse(out);
  REQUIRE(back.ok());
  CHECK(back.value == big);
  CHECK(out.substr(0, 35) == R"([{"index":0,"text":"\""},{"index":1)");
}

TEST_CASE("Writer: pieces appended through one cursor, past the room made up front") {
  std::string out = "[";
  {
    billet::json::Writer w(out, 4);  // far less room than what follows: it grows
    CHECK(w.size() == 1);            // the bytes written so far, "[" included
    for (int i = 0; i < 200; ++i) {
      if (i > 0) w.raw(',');
      w.raw(R"({"n":)");
      w.value(Value::number(static_cast<std::int64_t>(i)));
      w.raw(R"(,"s":)");
      w.string("a\"b\n" + std::string(static_cast<std::size_t>(i), 'x'));
      w.raw('}');
    }
  }
  out += ']';
  const auto parsed = parse(out);
  REQUIRE(parsed.ok());
  REQUIRE(parsed.value.size() == 200);
  CHECK(write(parsed.value) == out);
  CHECK(parsed.value.asArray()[199].find("s")->asString() == "a\"b\n" + std::string(199, 'x'));
}

TEST_CASE("Writer: rewind writes a piece again another way") {
  std::string out = "x";
  {
    billet::json::Writer w(out);
    const std::size_t start = w.size();
    w.raw("\"plain/");
    w.rewind(start);
    w.string("esc\"aped");
  }
  CHECK(out == R"(x"esc\"aped")");
}
