// Loading policy documents into an immutable, compiled PolicySet.
//
// A PolicySet is built once (at start and on reload), then shared read-only by every request
// thread as std::shared_ptr<const PolicySet>; a reload builds a new set and swaps the pointer.
//
//   auto loaded = policy::loadPolicies(base::readTextFiles({"manifests/policies"}));
//   if (!loaded.ok()) for (auto& e : loaded.errors) std::cerr << e.format() << '\n';
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/files.h"

namespace billet::policy {

class PolicySet;  // defined in policy/compiled.h; opaque to servers and tools

struct LoadError {
  std::string file;  // as given; "-" for stdin
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based
  std::string path;  // field path, e.g. spec.rules[0].mutate.tolerations[0].effect
  std::string message;
  std::string format() const;  // "file:line:col: path: message"
};

struct LoadResult {
  std::shared_ptr<const PolicySet> set;  // null when errors is not empty
  std::vector<LoadError> errors;
  std::vector<std::string> warnings;  // conflicts and other load-time notices
  bool ok() const { return errors.empty(); }
};

struct LoadOptions {
  std::string selfNamespace;  // the namespace billet runs in: never matched
};

// Files as base::readTextFiles reads them; a file that could not be read is an error.
LoadResult loadPolicies(const std::vector<base::TextFile>& files, const LoadOptions& options = {});
// Policy documents held in memory (tests, fuzzing); `name` stands for the file in errors.
LoadResult loadPoliciesFromText(const std::string& name, const std::string& text,
                                const LoadOptions& options = {});

// Counts by kind, for the billet_policies_loaded gauge: {"Policy", n}, {"ServiceGroup", n}, ...
std::vector<std::pair<std::string, int>> countByKind(const PolicySet& set);

}  // namespace billet::policy
