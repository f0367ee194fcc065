#include "policy/policy_set.h"

#include <utility>

#include "base/text.h"
#include "policy/compiled.h"

namespace billet::policy {

std::string LoadError::format() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return base::oneLine(out);  // whatever bytes the input held
}

PolicySet::PolicySet(Settings loadedSettings, std::vector<CompiledPolicy> orderedPolicies,
                     std::vector<PolicyExceptionSpec> loadedExceptions,
                     std::vector<std::pair<std::string, int>> kindCounts)
    : settings(std::move(loadedSettings)),
      policies(countRulesPerStage(std::move(orderedPolicies))),
      exceptions(std::move(loadedExceptions)),
      counts(std::move(kindCounts)),
      index_(indexByKind(policies, settings.podTemplates)) {}

PolicySet::~PolicySet() = default;

std::vector<CompiledPolicy> PolicySet::countRulesPerStage(std::vector<CompiledPolicy> policies) {
  for (CompiledPolicy& p : policies) {
    p.rulesPerStage = {};
    for (const Rule& r : p.rules) ++p.rulesPerStage[static_cast<std::size_t>(r.stage)];
  }
  return policies;
}

PolicySet::KindIndex PolicySet::indexByKind(const std::vector<CompiledPolicy>& ordered,
                                            const std::vector<PodTemplateKind>& templateKinds) {
  KindIndex index;
  // Every kind named by some policy gets a list; each list keeps the evaluation order and
  // includes the policies that match any kind. `Workloads` names the podTemplates kinds too.
  auto templateKind = [&](const std::string& k) {
    for (const PodTemplateKind& t : templateKinds)
      if (t.kind == k) return true;
    return false;
  };
  for (const CompiledPolicy& p : ordered) {
    for (const std::string& k : p.match.kinds) index.byKind.try_emplace(k);
    if (p.match.workloads)
      for (const PodTemplateKind& t : templateKinds) index.byKind.try_emplace(t.kind);
  }
  for (const CompiledPolicy& p : ordered) {
    if (p.match.kinds.empty()) {
      index.anyKind.push_back(&p);
      for (auto& [k, list] : index.byKind) list.push_back(&p);
      continue;
    }
    for (auto& [k, list] : index.byKind)
      if (p.match.matchesKind(k) || (p.match.workloads && templateKind(k))) list.push_back(&p);
  }
  return index;
}

const std::vector<const CompiledPolicy*>& PolicySet::forKind(std::string_view kind) const {
  auto it = index_.byKind.find(kind);
  return it == index_.byKind.end() ? index_.anyKind : it->second;
}

std::vector<std::pair<std::string, int>> countByKind(const PolicySet& set) {
  return set.counts;
}

}  // namespace billet::policy
