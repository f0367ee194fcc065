// YAML anchors and aliases can make a small file expand into billions of nodes ("billion
// laughs"). Before a document is loaded, its size with every alias expanded is counted from
// the parser's events, and a file over the limit is rejected with the position where it
// crossed it.
#pragma once

#include <cstdint>
#include <string>

namespace billet::policy {

inline constexpr std::uint64_t kMaxExpandedYamlNodes = 1'000'000;

struct AliasGuardResult {
  bool ok = true;
  int line = 0, column = 0;  // 1-based, where the limit was crossed
  std::string message;
};

// Counts the nodes of every document in `text` with aliases expanded. Syntax errors are left
// to the real parse that follows (reported as ok here).
AliasGuardResult checkExpandedSize(const std::string& text,
                                   std::uint64_t limit = kMaxExpandedYamlNodes);

}  // namespace billet::policy
