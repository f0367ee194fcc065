// Loading policy documents into an immutable, compiled PolicySet.
//
// A PolicySet is built once (at start and on reload), then shared read-only by every request
// thread as std::shared_ptr<const PolicySet>; a reload builds a new set and swaps the pointer.
//
//   auto loaded = policy::loadPolicies(base::readTextFiles({"manifests/policies"}));
//   if (!loaded.ok()) for (auto& e : loaded.errors) std::cerr << e.format() << '\n';
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/files.h"
#include "policy/cluster.h"

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
  // The cluster's size, overriding Settings.cluster: the settled live size with `cluster: auto`
  // in `serve`, or --cluster-nodes/--cluster-workloads offline (policy/cluster.h).
  std::optional<ClusterSize> clusterSize;
  std::shared_ptr<const ClusterFacts> facts;  // live facts (serve --kube-api); null offline
};

// Files as base::readTextFiles reads them; a file that could not be read is an error.
LoadResult loadPolicies(const std::vector<base::TextFile>& files, const LoadOptions& options = {});
// What `billet serve` needs to know of a loaded set to follow the cluster (SPEC §5.1).
struct ClusterSettings {
  bool autoSize = false;  // Settings.cluster: auto
  std::int64_t settleSeconds = 300;
  ClusterSize size;  // the size the set was loaded with
  std::vector<std::pair<std::string, std::string>> tiers;  // ServiceGroup -> tier chosen
  // The label sets of the NodePools (a node carrying all of one set is that pool's).
  std::vector<std::vector<std::pair<std::string, std::string>>> poolNodeLabels;
};
ClusterSettings clusterSettings(const PolicySet& set);
// Whether Settings.excludeNamespaces (and billet's own namespace) holds `namespace_`.
bool excludedNamespace(const PolicySet& set, std::string_view namespace_);

// Policy documents held in memory (tests, fuzzing); `name` stands for the file in errors.
LoadResult loadPoliciesFromText(const std::string& name, const std::string& text,
                                const LoadOptions& options = {});

// Counts by kind, for the billet_policies_loaded gauge: {"Policy", n}, {"ServiceGroup", n}, ...
std::vector<std::pair<std::string, int>> countByKind(const PolicySet& set);

}  // namespace billet::policy
