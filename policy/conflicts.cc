// The loader's last stage: warnings for rules that set the same field to different fixed values
// where both can apply to one object (SPEC §4.3). One warning per pair of rules, naming every
// field they disagree on; rules whose matches are provably disjoint (pools for different
// namespaces, policies for different kinds) never meet, so they are not warned about.
#include <algorithm>
#include <map>
#include <utility>

#include "policy/loader_internal.h"
#include "policy/overlap.h"

namespace billet::policy {
namespace {

bool canMeet(const Assignment& a, const Assignment& b) {
  for (const Match& ma : a.matches)
    for (const Match& mb : b.matches)
      if (!mayOverlap(ma, mb)) return false;
  for (const Match& e : a.excludes)
    for (const Match& mb : b.matches)
      if (covers(e, mb)) return false;
  for (const Match& e : b.excludes)
    for (const Match& ma : a.matches)
      if (covers(e, ma)) return false;
  return true;
}

}  // namespace

void checkConflicts(const std::vector<Assignment>& assignments,
                    std::vector<std::string>& warnings) {
  // Assignments by field, so only rules setting the same field are compared.
  std::map<std::string, std::vector<const Assignment*>> byField;
  for (const Assignment& a : assignments) byField[a.field].push_back(&a);

  using RulePair = std::pair<std::string, std::string>;  // "policy/rule", in declaration order
  std::map<RulePair, std::size_t> pairs;                 // -> index in `found`
  std::vector<std::pair<RulePair, std::vector<std::string>>> found;
  std::map<RulePair, bool> meet;  // canMeet, once per pair of rules
  for (const Assignment& a : assignments) {
    for (const Assignment* b : byField.at(a.field)) {
      if (b <= &a || a.value == b->value) continue;  // each pair once, in declaration order
      RulePair rules{a.policy + "/" + a.rule, b->policy + "/" + b->rule};
      if (rules.first == rules.second) continue;
      auto [m, fresh] = meet.emplace(rules, false);
      if (fresh) m->second = canMeet(a, *b);
      if (!m->second) continue;
      auto [p, added] = pairs.emplace(rules, found.size());
      if (added) found.push_back({rules, {}});
      std::string what = a.field + " (\"" + a.value + "\" vs \"" + b->value + "\")";
      std::vector<std::string>& fields = found[p->second].second;
      if (std::find(fields.begin(), fields.end(), what) == fields.end()) fields.push_back(what);
    }
  }
  for (const auto& [rules, fields] : found) {
    std::string w = "conflict: " + rules.first + " and " + rules.second + " both set ";
    for (std::size_t i = 0; i < fields.size(); ++i) w += (i ? ", " : "") + fields[i];
    warnings.push_back(std::move(w));
  }
}

}  // namespace billet::policy
