// Fuzz target for the reader of `lint`/`audit` inputs (cli/yaml_stream.h): manifests and
// cluster dumps from anywhere.
//
// Any input must be read or fail cleanly, on one thread and with a List's entries parsed on
// workers alike, and both must hand over the same documents, items, lines and errors: the
// parallel reader may only change how fast the answer comes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/yaml_stream.h"
#include "json/write.h"

namespace {

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
