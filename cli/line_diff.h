// A unified diff of two texts, line by line, for `billet test` to show how a patched or
// generated object differs from the expected file without an external diff tool.
//
//   std::string d = unifiedDiff(expectedYaml, gotYaml, "expected/web.yaml", "got");
//   // --- expected/web.yaml
//   // +++ got
//   // @@ -3,4 +3,4 @@
//   //  spec:
//   // -  replicas: 2
//   // +  replicas: 3
#pragma once

#include <string>

namespace billet::cli {

// "" when the texts are equal; else the diff with `context` unchanged lines around each change.
// Quadratic in the number of lines (longest common subsequence): meant for objects, not logs.
std::string unifiedDiff(const std::string& a, const std::string& b, const std::string& nameA,
                        const std::string& nameB, int context = 3);

}  // namespace billet::cli
