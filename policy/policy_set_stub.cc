#include "policy/policy_set.h"

namespace billet::policy {

std::string LoadError::format() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + path + ": " + message;
}

LoadResult loadPolicies(const std::vector<std::string>&, const LoadOptions&) {
  LoadResult r;
  r.errors.push_back({"", 0, 0, "", "not built yet"});
  return r;
}

std::vector<std::pair<std::string, int>> countByKind(const PolicySet&) { return {}; }

}  // namespace billet::policy
