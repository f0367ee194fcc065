#include "policy/overlap.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "policy/glob.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

bool isLiteral(std::string_view glob) {
  return glob.find_first_of("*?") == std::string_view::npos;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Empty lists select everything.
bool globListsMayOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  for (const std::string& x : a)
    for (const std::string& y : b)
      if (globsMayOverlap(x, y)) return true;
  return false;
}

bool kindsMayOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  for (const std::string& k : a)
    if (k == "*" || std::find(b.begin(), b.end(), k) != b.end()) return true;
  return std::find(b.begin(), b.end(), "*") != b.end();
}

template <typename T>
bool listsShare(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty() || b.empty()) return true;
  for (const T& x : a)
    if (std::find(b.begin(), b.end(), x) != b.end()) return true;
  return false;
}

// What the requirements of both selectors demand of one label key.
struct KeyConstraint {
  std::optional<std::set<std::string>> allowed;  // the value is one of these (In, matchLabels)
  std::set<std::string> excluded;                // and none of these (NotIn)
  bool present = false, absent = false;

  void allow(const std::set<std::string>& values) {
    if (!allowed) {
      allowed = values;
      return;
    }
    std::set<std::string> both;
    for (const std::string& v : *allowed)
      if (values.count(v)) both.insert(v);
    allowed = std::move(both);
  }
  bool satisfiable() const {
    if (present && absent) return false;
    if (!allowed) return true;
    for (const std::string& v : *allowed)
      if (!excluded.count(v)) return true;
    return false;
  }
};

void addSelector(const LabelSelector& s, std::map<std::string, KeyConstraint>& keys) {
  for (const auto& [k, v] : s.matchLabels) {
    keys[k].allow({v});
    keys[k].present = true;
  }
  using Op = LabelSelector::Requirement::Op;
  for (const LabelSelector::Requirement& r : s.matchExpressions) {
    KeyConstraint& c = keys[r.key];
    switch (r.op) {
      case Op::In:
        c.allow({r.values.begin(), r.values.end()});
        c.present = true;
        break;
      case Op::NotIn:  // an absent key satisfies NotIn
        c.excluded.insert(r.values.begin(), r.values.end());
        break;
      case Op::Exists:
        c.present = true;
        break;
      case Op::DoesNotExist:
        c.absent = true;
        break;
    }
  }
}

// Both selectors read the same labels: the match blocks are evaluated on one request.
bool selectorsMayOverlap(const std::optional<LabelSelector>& a,
                         const std::optional<LabelSelector>& b) {
  if (!a || !b) return true;
  std::map<std::string, KeyConstraint> keys;
  addSelector(*a, keys);
  addSelector(*b, keys);
  for (const auto& [key, c] : keys)
    if (!c.satisfiable()) return false;
  return true;
}

template <typename T>
bool flagsMayOverlap(const std::optional<T>& a, const std::optional<T>& b) {
  return !a || !b || *a == *b;
}

bool replicasMayOverlap(const Match& a, const Match& b) {
  std::optional<std::int64_t> lo = a.replicasMin, hi = a.replicasMax;
  if (b.replicasMin && (!lo || *b.replicasMin > *lo)) lo = b.replicasMin;
  if (b.replicasMax && (!hi || *b.replicasMax < *hi)) hi = b.replicasMax;
  return !lo || !hi || *lo <= *hi;
}

}  // namespace

bool globsMayOverlap(std::string_view a, std::string_view b) {
  if (isLiteral(a)) return globMatch(b, a);
  if (isLiteral(b)) return globMatch(a, b);
  // Text matching a glob begins with what comes before its first wildcard and ends with what
  // comes after its last; a text matching both needs prefixes and suffixes that agree.
  std::string_view pa = a.substr(0, a.find_first_of("*?"));
  std::string_view pb = b.substr(0, b.find_first_of("*?"));
  std::string_view sa = a.substr(a.find_last_of("*?") + 1);
  std::string_view sb = b.substr(b.find_last_of("*?") + 1);
  return (startsWith(pa, pb) || startsWith(pb, pa)) && (endsWith(sa, sb) || endsWith(sb, sa));
}

bool mayOverlap(const Match& a, const Match& b) {
  // Not decided here, so taken as overlapping: groups (a request has several), images,
  // containerNames and annotations (different containers or metadata can satisfy each), when.
  // `Workloads` also stands for the kinds of Settings.podTemplates, which are not listed: any
  // kind the other block names beside the built-in ones may be one of them.
  auto workloadsMeet = [](const Match& w, const Match& other) {
    if (!w.workloads) return false;
    for (const std::string& k : other.kinds)
      if (k != "Node" && !isWorkloadKind(k)) return true;
    return false;
  };
  bool kinds = kindsMayOverlap(a.kinds, b.kinds) || workloadsMeet(a, b) || workloadsMeet(b, a);
  return kinds && listsShare(a.operations, b.operations) &&
         globListsMayOverlap(a.namespaces, b.namespaces) && globListsMayOverlap(a.names, b.names) &&
         globListsMayOverlap(a.users, b.users) && selectorsMayOverlap(a.labels, b.labels) &&
         flagsMayOverlap(a.gpu, b.gpu) && flagsMayOverlap(a.localStorage, b.localStorage) &&
         replicasMayOverlap(a, b);
}

bool covers(const Match& exclude, const Match& m) {
  Match rest = exclude;
  rest.kinds.clear();
  rest.operations.clear();
  rest.namespaces.clear();
  if (!rest.empty()) return false;  // other criteria: not decided
  if (!exclude.kinds.empty() &&
      std::find(exclude.kinds.begin(), exclude.kinds.end(), "*") == exclude.kinds.end()) {
    if (m.kinds.empty()) return false;
    for (const std::string& k : m.kinds)
      if (std::find(exclude.kinds.begin(), exclude.kinds.end(), k) == exclude.kinds.end())
        return false;
  }
  if (!exclude.operations.empty()) {
    if (m.operations.empty()) return false;
    for (Operation op : m.operations)
      if (std::find(exclude.operations.begin(), exclude.operations.end(), op) ==
          exclude.operations.end())
        return false;
  }
  if (!exclude.namespaces.empty()) {
    // Every namespace `m` selects must be excluded; known only for names written out.
    if (m.namespaces.empty()) return false;
    for (const std::string& ns : m.namespaces)
      if (!isLiteral(ns) || !globAny(exclude.namespaces, ns)) return false;
  }
  return true;
}

}  // namespace billet::policy
