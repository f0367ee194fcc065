// Fuzz target for json::parse, the first thing billet does with an admission request body.
//
// Any input must parse or fail cleanly. On success the document must survive a round trip:
// written compactly and parsed again it is equal, and writing that gives the same bytes; the
// indented form parses to the same document too. parseDeferred (how admission requests are
// parsed) gives the same error, or the same document, read in a different order (a member found
// by key first, then the whole written). As a bonus, a document that is an array of
// two values checks diff/apply: applying diff(a, b) to a must give b. Whether the text is JSON at
// all is judged independently too: nlohmann/json's parser must agree, except where billet's
// nesting bound rejects what is otherwise valid, and on a surrogate escape that pairs with
// nothing, which billet reads as U+FFFD (as Go does) and nlohmann/json refuses: it judges the
// text with such escapes written `\uFFFD`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json/parse.h"
#include "json/patch.h"
#include "json/write.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_parse_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

enum class Judgement { kValid, kInvalid, kUnsure };

// nlohmann/json's reading of whether `text` is JSON. Unsure when it stops at a number beyond a
// double's range (error 406), which JSON allows and billet keeps as written. A NUL byte is
// invalid anywhere in JSON (a control character in a string, not whitespace outside one);
// nlohmann/json takes it for the end of the input, so it is judged here.
Judgement judgeWithNlohmann(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return Judgement::kInvalid;
  struct Sax : nlohmann::json_sax<nlohmann::json> {
    int errorId = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& e) override {
      errorId = e.id;
      return false;
    }
  } sax;
  if (nlohmann::json::sax_parse(text, &sax)) return Judgement::kValid;
  return sax.errorId == 406 ? Judgement::kUnsure : Judgement::kInvalid;
}

int hex4(std::string_view text, std::size_t at) {
  if (text.size() - at < 4) return -1;
  int cp = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    const int h = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (h < 0) return -1;
    cp = cp * 16 + h;
  }
  return cp;
}

// `text` with every `\uXXXX` escape in a string that is a surrogate and not the first half of a
// pair with the escape after it written `\uFFFD`, as Go's decoder reads it.
std::string lonelySurrogatesReplaced(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!inString) {
      inString = c == '"';
      out += c;
      continue;
    }
    if (c == '"') inString = false;
    if (c != '\\' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    const int cp = text[i + 1] == 'u' ? hex4(text, i + 2) : -1;
    if (cp < 0xD800 || cp > 0xDFFF) {  // another escape (or not one): both bytes as they are
      out.append(text.substr(i, 2));
      ++i;
      continue;
    }
    const bool pair = cp <= 0xDBFF && text.substr(i + 6, 2) == "\\u" &&
                      hex4(text, i + 8) >= 0xDC00 && hex4(text, i + 8) <= 0xDFFF;
    out.append(pair ? text.substr(i, 12) : std::string_view("\\uFFFD"));
    i += pair ? 11 : 5;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace billet::json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  billet::base::Result<Value> first = parse(text);
  if (const Judgement other = judgeWithNlohmann(lonelySurrogatesReplaced(text));
      other != Judgement::kUnsure && first.error.rfind("JSON nesting deeper than", 0) != 0 &&
      (other == Judgement::kValid) != first.ok())
    fail(first.ok() ? "accepted what nlohmann/json rejects" : "rejected what nlohmann/json accepts",
         first.error);
  {
    Document document;
    billet::base::Result<Value> deferred = parseDeferred(text, document);
    if (deferred.error != first.error)
      fail("parseDeferred and parse disagree", deferred.error + "\n" + first.error);
    if (first.ok()) {
      const Value& v = deferred.value;
      // Read part of it first: the last member's value, or the last element, is built before
      // the members or elements around it.
      if (const Object* o = v.ifObject(); o && !o->empty()) (void)v.find(o->back().key)->size();
      if (const Array* a = v.ifArray(); a && !a->empty()) (void)a->back().size();
      if (write(v) != write(first.value)) fail("parseDeferred wrote differently", write(v));
      if (!(v == first.value)) fail("parseDeferred gave another document", write(v));
    }
  }
  if (!first.ok()) {
    if (!first.value.isNull()) fail("failed parse returned a value", first.error);
    if (first.error.find('\n') != std::string::npos) fail("error spans lines", first.error);
    return 0;
  }

  const std::string once = write(first.value);
  billet::base::Result<Value> second = parse(once);
  if (!second.ok()) fail("written document does not parse", second.error + "\n" + once);
  if (second.value != first.value) fail("round trip changed the document", once);
  const std::string twice = write(second.value);
  if (twice != once) fail("writing is not stable", once + "\n" + twice);

  const std::string pretty = writePretty(first.value);
  billet::base::Result<Value> third = parse(pretty);
  if (!third.ok()) fail("indented document does not parse", third.error + "\n" + pretty);
  if (third.value != first.value) fail("indented round trip changed the document", pretty);

  if (first.value.isArray() && first.value.size() == 2) {
    const Value& from = first.value.asArray()[0];
    const Value& to = first.value.asArray()[1];
    const Value patch = diff(from, to);
    Value doc = from;
    const std::string error = apply(doc, patch);
    if (!error.empty())
      fail("diff produced a patch that does not apply", error + "\n" + write(patch));
    if (doc != to) fail("applying diff(a, b) to a did not give b", write(patch));
  }
  return 0;
}
