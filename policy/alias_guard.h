// YAML anchors and aliases can make a small file expand into billions of nodes ("billion
// laughs"). Before a file is loaded, what its aliases add when expanded is counted from the
// parser's events, and a file whose aliases add too much is rejected with the position of the
// alias that crossed the bound.
//
// Only expansion is bounded, not size: a cluster dump (`kubectl get -A -o yaml`) holds millions
// of nodes and no alias, and is as large on disk as in memory. An alias adds the nodes of its
// anchored subtree, aliases inside that subtree expanded too, so nested bombs count in full:
//
//   a: &a [x, x]          # no expansion
//   b: &b [*a, *a]        # adds 3 + 3 (each *a is the sequence and its two scalars)
//   c: [*b, *b]           # adds 7 + 7 (each *b is [*a, *a] expanded: 1 + 3 + 3)
//   d: &d [*d]            # an error: a node that contains itself never ends
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace billet::policy {

// Nodes aliases may add to one document. Real manifests with anchors add tens or hundreds.
inline constexpr std::uint64_t kMaxAliasNodesPerDocument = 1'000'000;
// And to a whole file, so that a stream of documents each just under the bound cannot add up.
inline constexpr std::uint64_t kMaxAliasNodesPerFile = 4 * kMaxAliasNodesPerDocument;

struct AliasLimits {
  std::uint64_t perDocument = kMaxAliasNodesPerDocument;
  std::uint64_t perFile = kMaxAliasNodesPerFile;
};

// Counts what the aliases of each document in `text` add when expanded. An error names the
// alias that crossed a bound (line and column, 1-based). Syntax errors are left to the real
// parse that follows (reported as ok here), except a token yaml-cpp cannot read past (",",
// "&a ,"): it would read it as an empty document forever, so it fails here.
base::Status checkAliasExpansion(const std::string& text, AliasLimits limits = {});

}  // namespace billet::policy
