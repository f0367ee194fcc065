// Fuzz target for the reader of `lint`/`audit` inputs (cli/yaml_stream.h): manifests and
// cluster dumps from anywhere.
//
// Any input must be read or fail cleanly, on one thread and with a List's entries parsed on
// workers alike, and both must hand over the same documents, items, lines and errors: the
// parallel reader may only change how fast the answer comes. JSON documents one after another
// (cli/json_sequence.h) are split into bracketed spans of the text with only whitespace between
// them, and a text that parses as one object or array, written twice, splits into two of it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/json_sequence.h"
#include "cli/yaml_stream.h"
#include "json/parse.h"
#include "json/write.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "yaml_stream_fuzz: %s\n%s\n", what, text.c_str());
  std::abort();
}

bool blanks(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void checkJsonSequence(const std::string& text) {
  const std::vector<billet::cli::JsonPiece> pieces = billet::cli::splitJsonSequence(text);
  std::size_t at = 0;
  for (const billet::cli::JsonPiece& p : pieces) {
    if (p.offset < at || !blanks(std::string_view(text).substr(at, p.offset - at)))
      fail("json sequence: something other than blanks between pieces", text);
    if (p.text.empty() || (p.text.front() != '{' && p.text.front() != '[') ||
        (p.text.back() != '}' && p.text.back() != ']') ||
        std::string_view(text).substr(p.offset, p.text.size()) != p.text)
      fail("json sequence: a piece that is not a bracketed span of the text", text);
    at = p.offset + p.text.size();
  }
  if (!pieces.empty() && !blanks(std::string_view(text).substr(at)))
    fail("json sequence: text after the last piece", text);
  const billet::base::Result<billet::json::Value> one = billet::json::parse(text);
  if (!one.ok() || !(one.value.isObject() || one.value.isArray())) return;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const std::string trimmed = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  // The pieces are views of the text they were split from: it must outlive them.
  const std::string written = trimmed + "\n" + trimmed;
  const auto twice = billet::cli::splitJsonSequence(written);
  if (twice.size() != 2 || twice[0].text != trimmed || twice[1].text != trimmed)
    fail("json sequence: a document written twice is not two of it", text);
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 20) return 0;  // yaml-cpp's own cost, not the reader's, beyond this
  const std::string text(reinterpret_cast<const char*>(data), size);
  checkJsonSequence(text);
  const std::vector<std::string> one = read(text, 1);
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
