#include "cli/json_stream.h"

#include <string>
#include <vector>

#include "json/parse.h"

namespace billet::cli {
namespace {

// The bytes of a stream one at a time, read in large blocks.
class Bytes {
 public:
  explicit Bytes(std::istream& in) : in_(in), buffer_(1 << 16) {}

  int peek() {
    if (at_ == end_ && !fill()) return -1;
    return static_cast<unsigned char>(buffer_[at_]);
  }
  int next() {
    const int c = peek();
    if (c >= 0) ++at_;
    return c;
  }
  // Skips blanks, counting newlines; returns the next byte (not consumed), -1 at the end.
  int skipBlanks(int* newlines = nullptr) {
    for (int c = peek(); c >= 0; c = peek()) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
      if (c == '\n' && newlines) ++*newlines;
      ++at_;
    }
    return -1;
  }

 private:
  bool fill() {
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    end_ = static_cast<std::size_t>(in_.gcount());
    at_ = 0;
    return end_ > 0;
  }
  std::istream& in_;
  std::vector<char> buffer_;
  std::size_t at_ = 0, end_ = 0;
};

// Appends one JSON value's text to `raw`, up to the "," "}" or "]" that follows it outside any
// string and bracket (returned, not consumed); -1 when the text ends first. Whether the value
// is valid JSON is json::parse's to say.
int captureValue(Bytes& bytes, std::string& raw) {
  int depth = 0;
  bool inString = false, escaped = false;
  for (int c = bytes.peek(); c >= 0; c = bytes.peek()) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']' || c == ',') {
      if (depth == 0) return c;
      if (c != ',') --depth;
    }
    raw += static_cast<char>(c);
    bytes.next();
  }
  return -1;
}

// A string token, quotes included, from its opening quote; false when the text ends first.
bool captureString(Bytes& bytes, std::string& raw) {
  raw += static_cast<char>(bytes.next());  // the opening quote
  for (bool escaped = false;;) {
    const int c = bytes.next();
    if (c < 0) return false;
    raw += static_cast<char>(c);
    if (escaped)
      escaped = false;
    else if (c == '\\')
      escaped = true;
    else if (c == '"')
      return true;
  }
}

}  // namespace

JsonStreamResult readJsonStream(std::istream& in, const YamlStreamCallbacks& callbacks) {
  Bytes bytes(in);
  int newlines = 0;
  const int first = bytes.skipBlanks(&newlines);
  if (first < 0) return JsonStreamResult::kEmpty;
  if (first != '{') return JsonStreamResult::kNotAnObject;
  const int line = newlines + 1;
  bytes.next();

  // The members other than a List's items, as text: parsed once at the end, so that the
  // document is what json::parse makes of it (duplicate members included).
  std::string skeleton = "{";
  bool streamed = false;
  for (bool firstMember = true;; firstMember = false) {
    int c = bytes.skipBlanks();
    if (c == '}' && firstMember) {
      bytes.next();
      break;
    }
    if (c != '"') return JsonStreamResult::kInvalid;
    std::string key;
    if (!captureString(bytes, key) || bytes.skipBlanks() != ':') return JsonStreamResult::kInvalid;
    bytes.next();
    const base::Result<json::Value> name = json::parse(key);
    if (!name.ok() || !name.value.isString()) return JsonStreamResult::kInvalid;

    std::string valueText;
    const bool listItems = name.value.asString() == "items" && bytes.skipBlanks() == '[';
    if (listItems) {
      bytes.next();  // "["
      streamed = true;
      if (bytes.skipBlanks() == ']') {
        bytes.next();
      } else {
        for (;;) {
          std::string item;
          const int end = captureValue(bytes, item);
          if (end != ',' && end != ']') return JsonStreamResult::kInvalid;
          bytes.next();
          base::Result<json::Value> v = json::parse(item, json::kDefaultMaxDepth - 2);
          if (!v.ok()) return JsonStreamResult::kInvalid;
          callbacks.listItem(std::move(v.value), line);
          if (end == ']') break;
        }
      }
      valueText = "[]";
      if (bytes.skipBlanks() != ',' && bytes.peek() != '}') return JsonStreamResult::kInvalid;
    } else if (captureValue(bytes, valueText) < 0 || bytes.peek() == ']') {
      return JsonStreamResult::kInvalid;
    }
    skeleton += (firstMember ? "" : ",") + key + ":" + valueText;
    if (bytes.next() == '}') break;  // else ","
  }
  skeleton += "}";
  if (bytes.skipBlanks() >= 0) return JsonStreamResult::kInvalid;  // text after the object

  base::Result<json::Value> doc = json::parse(skeleton);
  if (!doc.ok()) return JsonStreamResult::kInvalid;
  if (!streamed)
    callbacks.document(std::move(doc.value), line);
  else
    callbacks.list(line);
  return JsonStreamResult::kDone;
}

}  // namespace billet::cli
