// Fuzz target for the reader of `lint`/`audit` inputs (cli/yaml_stream.h): manifests and
// cluster dumps from anywhere.
//
// Any input must be read or fail cleanly, on one thread and with a List's entries parsed on
// workers alike, and both must hand over the same documents, items, lines and errors: the
// parallel reader may only change how fast the answer comes. JSON values one after another
// (cli/json_sequence.h) are bracketed spans of the text with only blanks between them, and a
// text that parses as one object or array, written twice, is two of it (and starts like JSON to
// kubectl when it is an object: cli/kubectl_json_or_yaml.h). A
// control character fails the read, and nothing from its line on is handed over. What is handed
// over is UTF-8 (bytes that are not are read as U+FFFD). A JSON text's numbers rewritten as
// kubectl sends them keep their value (as a double), are refused only past a float64's range,
// and are rewritten no further a second time. kubectl's `---` lines (cli/yaml_kubectl_separators.h)
// change only what follows a separator's dashes, into blanks, and end the text at the start of
// a line that begins with `---`, the same whatever the reads cut. UTF-16 decodes into UTF-8
// whatever the reads cut, and UTF-8 written as UTF-16 decodes back to itself.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "cli/json_kubectl_numbers.h"
#include "cli/json_sequence.h"
#include "cli/kubectl_json_or_yaml.h"
#include "cli/utf16_decoding.h"
#include "cli/yaml_kubectl_separators.h"
#include "cli/yaml_stream.h"
#include "json/parse.h"
#include "json/write.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "yaml_stream_fuzz: %s\n%s\n", what, text.c_str());
  std::abort();
}

// The values of a text one after another (bracketed spans with only blanks between them), up to
// the first place where none ends.
std::vector<std::string_view> jsonValues(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t i = billet::cli::skipJsonBlanks(text, 0); i < text.size();
       i = billet::cli::skipJsonBlanks(text, i)) {
    const std::size_t end = billet::cli::jsonValueEnd(text, i);
    if (end == std::string_view::npos) break;
    if (end <= i || end > text.size())
      fail("json sequence: a value's end outside the text", std::string(text));
    out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

void checkJsonSequence(const std::string& text) {
  for (std::string_view v : jsonValues(text))
    if (v.empty() || (v.front() != '{' && v.front() != '[') || (v.back() != '}' && v.back() != ']'))
      fail("json sequence: a value that is not a bracketed span of the text", text);
  const billet::base::Result<billet::json::Value> one = billet::json::parse(text);
  if (!one.ok() || !(one.value.isObject() || one.value.isArray())) return;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const std::string trimmed = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  const std::string written = trimmed + "\n" + trimmed;
  const std::vector<std::string_view> twice = jsonValues(written);
  if (twice.size() != 2 || twice[0] != trimmed || twice[1] != trimmed)
    fail("json sequence: a document written twice is not two of it", text);
  // kubectl reads such a text as JSON first.
  if (trimmed.front() == '{' && first < billet::cli::kJsonSniffBytes &&
      !billet::cli::startsLikeJson(text))
    fail("json or yaml: an object after blanks does not start like JSON", text);
}

// Where YAML starts after JSON is past `from`, within the text.
void checkYamlStart(const std::string& text) {
  for (std::size_t from : {std::size_t{0}, text.size() / 2}) {
    const std::optional<std::size_t> at = billet::cli::yamlStartAfterJson(text, from);
    if (at && (*at < from || *at > text.size()))
      fail("json or yaml: YAML starts outside the text", text);
  }
}

std::vector<std::string> read(const std::string& text, int workers) {
  using billet::cli::YamlStreamError;
  std::vector<std::string> events;
  billet::cli::YamlStreamCallbacks cb;
  cb.document = [&events](billet::json::Value v, int line) {
    events.push_back("doc@" + std::to_string(line) + " " + billet::json::write(v));
  };
  cb.listItem = [&events](billet::json::Value v, int line) {
    events.push_back("item@" + std::to_string(line) + " " + billet::json::write(v));
  };
  cb.list = [&events](int line) { events.push_back("list@" + std::to_string(line)); };
  cb.error = [&events](const YamlStreamError& e) {
    events.push_back("error@" + std::to_string(e.line) + " " + e.field + ": " + e.message);
  };
  std::istringstream in(text);
  YamlStreamError failure;
  if (!billet::cli::readYamlStream(in, cb, failure, workers)) {
    if (failure.message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "yaml_stream_fuzz: error spans lines: %s\n", failure.message.c_str());
      std::abort();
    }
    events.push_back("failed@" + std::to_string(failure.line) + ":" +
                     std::to_string(failure.column) + " " + failure.message);
  }
  return events;
}

// Which lines (1-based) kubectl cuts the stream at and drops: those that begin with `---` and
// hold nothing but blanks and a comment after it, when something came before them since the
// start or the last one dropped. Lines end at a line feed or NEL, as billet counts them. Written
// apart from cli/yaml_kubectl_separators.cc.
std::vector<bool> droppedSeparatorLines(const std::string& text) {
  std::vector<bool> dropped(1, false);
  bool pieceEmpty = true;
  std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (start <= text.size()) {
    std::size_t end = start;
    while (end < text.size() && text[end] != '\n' &&
           !(text[end] == '\xC2' && end + 1 < text.size() && text[end + 1] == '\x85'))
      ++end;
    const std::string_view line(text.data() + start, end - start);
    bool separator = line.starts_with("---");
    if (separator) {
      std::size_t i = 3;
      while (i < line.size()) {
        const billet::base::Utf8Char c = billet::base::decodeUtf8(line, i);
        if (c.size == 0 || !billet::cli::isGoSpace(c.cp)) break;
        i += c.size;
      }
      separator = i == line.size() || line[i] == '#';
    }
    dropped.push_back(separator && !pieceEmpty);
    pieceEmpty = separator && !pieceEmpty;
    if (end == text.size()) break;
    start = end + (text[end] == '\n' ? 1 : 2);
  }
  return dropped;
}

// The line of the first character outside YAML's printable set (bytes that are not UTF-8 are
// skipped: they are read as U+FFFD, which is printable) on a line kubectl reads, or 0. Written
// apart from the reader's check.
int controlCharacterLine(const std::string& text) {
  const std::vector<bool> dropped = droppedSeparatorLines(text);
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const billet::base::Utf8Char c = billet::base::decodeUtf8(text, i);
    if (c.size == 0) {
      ++i;
      continue;
    }
    const std::uint32_t cp = c.cp;
    const bool printable = cp == 0x09 || cp == 0x0a || cp == 0x0d || (cp >= 0x20 && cp <= 0x7e) ||
                           cp == 0x85 || (cp >= 0xa0 && cp <= 0xfffd && cp != 0xfffe) ||
                           cp >= 0x10000;
    const bool read = static_cast<std::size_t>(line) >= dropped.size() || !dropped[line];
    if (!printable && read) return line;
    if (cp == '\n' || cp == 0x85) ++line;  // NEL is a line break to kubectl, and to billet
    i += c.size;
  }
  return 0;
}

// Bytes that are not UTF-8 are read as U+FFFD, as kubectl reads them, and yaml-cpp's reading of
// `\N` and `\_` is put right: what is handed over is UTF-8.
void checkUtf8(const std::string& text, const std::vector<std::string>& events) {
  for (const std::string& e : events)
    if ((e.rfind("doc@", 0) == 0 || e.rfind("item@", 0) == 0) &&
        billet::base::findInvalidUtf8(e).has_value())
      fail("a document or item handed over that is not UTF-8", text);
}

// kubectl refuses the document holding a control character: nothing from its line on is handed
// over, and the read fails (with the character's error, or the reader's on an earlier line).
void checkControlCharacters(const std::string& text, const std::vector<std::string>& events) {
  const int at = controlCharacterLine(text);
  if (at == 0) return;
  if (events.empty() || events.back().rfind("failed@", 0) != 0)
    fail("a control character, and the read did not fail", text);
  for (const std::string& e : events) {
    const std::size_t sign = e.find('@');
    if (e.rfind("doc@", 0) != 0 && e.rfind("item@", 0) != 0) continue;
    if (std::atoi(e.c_str() + sign + 1) >= at)
      fail("a document or item handed over from a control character's line on", text);
  }
}

void collectNumbers(const billet::json::Value& v, std::vector<std::string>& out) {
  if (const billet::json::Text* text = v.ifNumberText()) {
    out.push_back(text->str());
  } else if (v.isArray()) {
    for (const billet::json::Value& item : v.asArray()) collectNumbers(item, out);
  } else if (v.isObject()) {
    for (const billet::json::Member& m : v.asObject()) collectNumbers(m.value, out);
  }
}

void checkJsonNumbers(const std::string& text) {
  billet::base::Result<billet::json::Value> parsed = billet::json::parse(text);
  if (!parsed.ok()) return;
  std::vector<std::string> before, after, again;
  collectNumbers(parsed.value, before);
  const auto refused = billet::cli::numbersAsKubectlSends(parsed.value);
  bool pastRange = false;
  for (const std::string& n : before)
    pastRange = pastRange || std::isinf(std::strtod(n.c_str(), nullptr));
  if (refused.has_value() != pastRange)
    fail(pastRange ? "json numbers: one past a float64's range not refused"
                   : "json numbers: one within range refused",
         text);
  if (refused) return;
  collectNumbers(parsed.value, after);
  if (after.size() != before.size()) fail("json numbers: a number lost or added", text);
  for (std::size_t i = 0; i < after.size(); ++i)
    if (std::strtod(after[i].c_str(), nullptr) != std::strtod(before[i].c_str(), nullptr))
      fail("json numbers: a number's value changed", text);
  if (billet::cli::numbersAsKubectlSends(parsed.value))
    fail("json numbers: refused once rewritten", text);
  collectNumbers(parsed.value, again);
  if (again != after) fail("json numbers: rewritten again", text);
}

}  // namespace

// `text` through KubectlSeparators, reading `chunk` bytes at a time.
std::string separated(const std::string& text, std::size_t chunk,
                      billet::cli::YamlStreamError& refused) {
  std::stringbuf source(text);
  billet::cli::KubectlSeparators separators(&source, chunk);
  std::string out((std::istreambuf_iterator<char>(&separators)), std::istreambuf_iterator<char>());
  refused = separators.refused();
  return out;
}

void checkSeparators(const std::string& text) {
  billet::cli::YamlStreamError refused;
  const std::string out = separated(text, std::size_t{1} << 16, refused);
  if (out.size() > text.size()) fail("separators: the text grew", text);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i] != text[i] && (out[i] != ' ' || text[i] == '\n'))
      fail("separators: a byte changed into something other than a blank", text);
  if (refused.line > 0) {
    // The text ends at the start of the refused line, which begins with `---`.
    const std::size_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    if (!(out.size() == bom || out.back() == '\n') || text.compare(out.size(), 3, "---") != 0)
      fail("separators: the text ends elsewhere than before a `---` line", text);
    if (refused.line != 1 + static_cast<int>(std::count(out.begin(), out.end(), '\n')))
      fail("separators: the refused line is not where the text ends", text);
  } else if (out.size() != text.size()) {
    fail("separators: the text ends early with nothing refused", text);
  }
  for (std::size_t chunk : {4u, 5u, 13u}) {
    billet::cli::YamlStreamError cutRefused;
    if (separated(text, chunk, cutRefused) != out || cutRefused.line != refused.line ||
        cutRefused.message != refused.message)
      fail("separators: reads cut elsewhere give another text", text);
  }
}

// UTF-16 after its byte order mark (utf16_decoding.h) is decoded into UTF-8, the same whatever
// the reads cut, and UTF-8 written as UTF-16 decodes back to itself.
std::string fromUtf16(const std::string& text, std::size_t chunk) {
  std::stringbuf source(text);
  billet::cli::Utf16Decoding utf8(&source, chunk);
  return std::string((std::istreambuf_iterator<char>(&utf8)), std::istreambuf_iterator<char>());
}

void checkUtf16(const std::string& text) {
  if (billet::cli::startsWithUtf16Bom(text)) {
    const std::string whole = fromUtf16(text, std::size_t{1} << 16);
    if (billet::base::findInvalidUtf8(whole)) fail("UTF-16 decoded into what is not UTF-8", text);
    if (fromUtf16(text, 5) != whole) fail("UTF-16 decoded otherwise when reads cut it", text);
  }
  if (billet::base::findInvalidUtf8(text)) return;
  std::string utf16 = "\xFF\xFE";
  for (std::size_t i = 0; i < text.size();) {
    const billet::base::Utf8Char c = billet::base::decodeUtf8(text, i);
    i += c.size;
    const auto unit = [&utf16](std::uint32_t u) {
      utf16 += static_cast<char>(u & 0xFF);
      utf16 += static_cast<char>(u >> 8);
    };
    if (c.cp < 0x10000) {
      unit(c.cp);
    } else {
      unit(0xD800 + ((c.cp - 0x10000) >> 10));
      unit(0xDC00 + ((c.cp - 0x10000) & 0x3FF));
    }
  }
  if (fromUtf16(utf16, 7) != text) fail("UTF-8 written as UTF-16 does not decode back", text);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 20) return 0;  // yaml-cpp's own cost, not the reader's, beyond this
  const std::string text(reinterpret_cast<const char*>(data), size);
  checkJsonSequence(text);
  checkYamlStart(text);
  checkJsonNumbers(text);
  checkSeparators(text);
  checkUtf16(text);
  const std::vector<std::string> one = read(text, 1);
  checkControlCharacters(text, one);
  checkUtf8(text, one);
  const std::vector<std::string> two = read(text, 2);
  if (one != two) {
    std::fprintf(stderr, "yaml_stream_fuzz: one thread and two workers differ\n");
    const std::size_t n = one.size() > two.size() ? one.size() : two.size();
    for (std::size_t i = 0; i < n; ++i)
      std::fprintf(stderr, "  %s\n  %s\n", i < one.size() ? one[i].c_str() : "(none)",
                   i < two.size() ? two[i].c_str() : "(none)");
    std::abort();
  }
  return 0;
}
