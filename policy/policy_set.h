// PolicySet: policy documents loaded and compiled, immutable by construction; and the loader,
// the only code that builds one.
//
// A PolicySet is built once (at start and on reload), then shared read-only by every request
// thread as std::shared_ptr<const PolicySet>; a reload builds a new set and swaps the pointer.
// It cannot be copied, moved or changed: its members are const and only loadPolicies constructs
// one.
//
//   auto loaded = policy::loadPolicies(base::readTextFiles({"manifests/policies"}));
//   if (!loaded.ok()) for (auto& e : loaded.errors) std::cerr << e.format() << '\n';
//
// The compiled policies (rules, actions, conditions with their regexes) are defined in
// policy/compiled.h; only code that reads them includes it, so that the users of this header and
// of policy/engine.h do not compile RE2 and yaml-cpp headers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/files.h"
#include "policy/cluster.h"
#include "policy/settings.h"

namespace billet::policy {

class PolicySet;
struct CompiledPolicy;       // policy/compiled.h
struct PolicyExceptionSpec;  // policy/compiled.h

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
// Policy documents held in memory (tests, fuzzing); `name` stands for the file in errors.
LoadResult loadPoliciesFromText(const std::string& name, const std::string& text,
                                const LoadOptions& options = {});

class PolicySet {
 public:
  // Not copyable, not movable: forKind's lists point into `policies`, and a set is shared by
  // pointer anyway.
  PolicySet(const PolicySet&) = delete;
  PolicySet& operator=(const PolicySet&) = delete;
  PolicySet(PolicySet&&) = delete;
  PolicySet& operator=(PolicySet&&) = delete;
  ~PolicySet();

  const Settings settings;
  const std::vector<CompiledPolicy> policies;  // in evaluation order (SPEC §4.1)
  const std::vector<PolicyExceptionSpec> exceptions;
  // Documents by kind, {"Policy", n}, {"ServiceGroup", n}, ... {"Settings", 0 or 1}: lint's
  // summary and the billet_policies_loaded gauge.
  const std::vector<std::pair<std::string, int>> counts;

  // Policies that can match `kind`, in evaluation order. Policies for other kinds cost nothing.
  const std::vector<const CompiledPolicy*>& forKind(std::string_view kind) const;

 private:
  friend LoadResult loadPolicies(const std::vector<base::TextFile>& files,
                                 const LoadOptions& options);
  PolicySet(Settings loadedSettings, std::vector<CompiledPolicy> orderedPolicies,
            std::vector<PolicyExceptionSpec> loadedExceptions,
            std::vector<std::pair<std::string, int>> kindCounts);

  // Looked up by a request's kind as it is, without a string made of it each stage.
  struct KindHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view kind) const {
      return std::hash<std::string_view>{}(kind);
    }
  };
  struct KindIndex {
    std::unordered_map<std::string, std::vector<const CompiledPolicy*>, KindHash, std::equal_to<>>
        byKind;
    std::vector<const CompiledPolicy*> anyKind;  // for kinds no policy names
  };
  static std::vector<CompiledPolicy> countRulesPerStage(std::vector<CompiledPolicy> policies);
  static KindIndex indexByKind(const std::vector<CompiledPolicy>& ordered,
                               const std::vector<PodTemplateKind>& templateKinds);
  const KindIndex index_;  // built in the constructor, from `policies`
};

// What `billet serve` needs to know of a loaded set to follow the cluster (SPEC §5.1).
struct ClusterSettings {
  bool autoSize = false;  // Settings.cluster: auto
  std::int64_t settleSeconds = 300;
  ClusterSize size;                                        // the size the set was loaded with
  std::vector<std::pair<std::string, std::string>> tiers;  // ServiceGroup -> tier chosen
  // The label sets of the NodePools (a node carrying all of one set is that pool's).
  std::vector<std::vector<std::pair<std::string, std::string>>> poolNodeLabels;
};
ClusterSettings clusterSettings(const PolicySet& set);
// Whether Settings.excludeNamespaces (and billet's own namespace) holds `namespace_`.
bool excludedNamespace(const PolicySet& set, std::string_view namespace_);

// PolicySet::counts, for the billet_policies_loaded gauge.
std::vector<std::pair<std::string, int>> countByKind(const PolicySet& set);

}  // namespace billet::policy
