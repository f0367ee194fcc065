// What the admission benchmarks share: the sample review, and policy sets built from the bundled
// pack (manifests/policies, as `billet serve -p manifests/policies` loads it) plus generated
// policies that either cannot match the sample's kind or do match it.
//
// BILLET_BENCH_POLICIES=PATH (a file or directory) replaces the bundled pack, to measure another
// set: your own policies, or `manifests/policies/settings.yaml` alone for what a review costs
// with no policy at all.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "policy/policy_set.h"

namespace billet::bench {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sample AdmissionReview (a GPU Deployment), or empty when it cannot be read.
inline const std::string& sampleReview() {
  static const std::string body = readFile(BILLET_SAMPLE_REVIEW);
  return body;
}

// `n` policies of two rules each (a label mutation and a name check). With `matching` false they
// match kinds other than the sample's (ConfigMap, Secret, Service, Ingress, Node), so the index
// by kind must keep them from costing anything; with `matching` true they match Deployments and
// run on every review of the sample.
inline std::string generatedPolicies(int n, bool matching) {
  static const char* const kOtherKinds[] = {"ConfigMap", "Secret", "Service", "Ingress", "Node"};
  std::string text;
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(i);
    text += "---\napiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: ";
    text += matching ? "matching-" : "other-";
    text += id + "}\nspec:\n  match: {kinds: [" +
            std::string(matching ? "Deployment" : kOtherKinds[i % 5]) +
            "]}\n  rules:\n    - name: label\n      mutate: {labels: {team-" + id + ": t" + id +
            "}}\n    - name: check\n      validate: {require: [{path: object.metadata.name, op: "
            "Matches, value: '^[a-z]'}]}\n";
  }
  return text;
}

// The bundled pack (or BILLET_BENCH_POLICIES) plus `otherKind` non-matching and `matching`
// matching generated policies, loaded as `billet serve -p manifests/policies -p generated.yaml`
// would load them. Aborts on a load error: a benchmark of a broken set would measure nothing.
inline std::shared_ptr<const policy::PolicySet> loadPack(int otherKind = 0, int matching = 0) {
  const char* chosen = std::getenv("BILLET_BENCH_POLICIES");
  std::vector<std::string> paths{chosen && *chosen ? chosen
                                                   : BILLET_SOURCE_DIR "/manifests/policies"};
  std::string generatedFile;
  if (otherKind + matching > 0) {
    char name[] = "/tmp/billet-bench-XXXXXX.yaml";
    const int fd = ::mkstemps(name, 5);
    if (fd < 0) std::abort();
    ::close(fd);
    generatedFile = name;
    std::ofstream(generatedFile) << generatedPolicies(otherKind, false)
                                 << generatedPolicies(matching, true);
    paths.push_back(generatedFile);
  }
  policy::LoadResult r = policy::loadPolicies(base::readTextFiles(paths));
  if (!generatedFile.empty()) std::remove(generatedFile.c_str());
  if (!r.ok()) {
    for (const auto& e : r.errors) std::cerr << e.format() << "\n";
    std::abort();
  }
  return r.set;
}

}  // namespace billet::bench
