#include "policy/compiled.h"

namespace billet::policy {

namespace {

// Errors are one line each, whatever bytes the input held: control characters are escaped.
std::string oneLine(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string LoadError::format() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return oneLine(out);
}

void PolicySet::buildIndex() {
  byKind_.clear();
  anyKind_.clear();
  // Every kind named by some policy gets a list; each list keeps the evaluation order and
  // includes the policies that match any kind. `Workloads` names the podTemplates kinds too.
  auto templateKind = [&](const std::string& k) {
    for (const PodTemplateKind& t : settings.podTemplates)
      if (t.kind == k) return true;
    return false;
  };
  for (const CompiledPolicy& p : policies) {
    for (const std::string& k : p.match.kinds) byKind_.try_emplace(k);
    if (p.match.workloads)
      for (const PodTemplateKind& t : settings.podTemplates) byKind_.try_emplace(t.kind);
  }
  for (const CompiledPolicy& p : policies) {
    if (p.match.kinds.empty()) {
      anyKind_.push_back(&p);
      for (auto& [k, list] : byKind_) list.push_back(&p);
      continue;
    }
    for (auto& [k, list] : byKind_)
      if (p.match.matchesKind(k) || (p.match.workloads && templateKind(k))) list.push_back(&p);
  }
}

const std::vector<const CompiledPolicy*>& PolicySet::forKind(std::string_view kind) const {
  auto it = byKind_.find(std::string(kind));
  return it == byKind_.end() ? anyKind_ : it->second;
}

std::vector<std::pair<std::string, int>> countByKind(const PolicySet& set) {
  return set.counts;
}

}  // namespace billet::policy
