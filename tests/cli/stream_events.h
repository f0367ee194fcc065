// What the streaming readers of lint/audit inputs hand over, as lines a test can compare:
// "doc@line json", "item@line json", "list@line", "error@line field: message", "skipped@line why".
#pragma once

#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/yaml_stream.h"
#include "json/write.h"

namespace billet::cli::testing {

inline YamlStreamCallbacks recordEvents(std::vector<std::string>& events) {
  YamlStreamCallbacks cb;
  cb.document = [&events](json::Value v, int line) {
    events.push_back("doc@" + std::to_string(line) + " " + json::write(v));
  };
  cb.listItem = [&events](json::Value v, int line) {
    events.push_back("item@" + std::to_string(line) + " " + json::write(v));
  };
  cb.list = [&events](int line) { events.push_back("list@" + std::to_string(line)); };
  cb.error = [&events](const YamlStreamError& e) {
    events.push_back("error@" + std::to_string(e.line) + " " + e.field + ": " + e.message);
  };
  cb.skipped = [&events](int line, const std::string& why) {
    events.push_back("skipped@" + std::to_string(line) + " " + why);
  };
  return cb;
}

// The member at `path` of the one document in `text`, as the reader reads it, written as JSON;
// "absent" when it has none, "error: ..." when the reader refuses the document.
inline std::string readMember(const std::string& text, std::initializer_list<std::string_view> path,
                              int threads = 1) {
  std::istringstream in(text);
  std::string out;
  YamlStreamCallbacks cb;
  cb.document = [&](json::Value v, int) {
    const json::Value* member = json::dig(v, path);
    out = member ? json::write(*member) : "absent";
  };
  cb.list = [](int) {};
  cb.listItem = [](json::Value, int) {};
  cb.error = [&](const YamlStreamError& e) { out = "error: " + e.message; };
  YamlStreamError error;
  if (!readYamlStream(in, cb, error, threads)) return "error: " + error.message;
  return out;
}

}  // namespace billet::cli::testing
