// What the streaming readers of lint/audit inputs hand over, as lines a test can compare:
// "doc@line json", "item@line json", "list@line", "error@line field: message", "skipped@line why".
#pragma once

#include <string>
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

}  // namespace billet::cli::testing
