#include "cli/inputs.h"

#include <algorithm>
#include <iostream>
#include <iterator>

namespace billet::cli {

std::vector<base::TextFile> readInputs(const std::vector<std::string>& paths) {
  if (std::find(paths.begin(), paths.end(), "-") == paths.end()) return base::readTextFiles(paths);
  const std::string stdinText(std::istreambuf_iterator<char>(std::cin), {});
  return base::readTextFiles(paths, &stdinText);
}

std::string joinPaths(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) out += (out.empty() ? "" : " ") + p;
  return out;
}

int policyDocuments(const policy::PolicySet& set) {
  int documents = 0;
  for (const auto& [kind, count] : set.counts) documents += count;
  return documents;
}

}  // namespace billet::cli
