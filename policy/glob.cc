#include "policy/glob.h"

namespace billet::policy {

// Iterative matcher with single backtrack point: linear in practice, never exponential.
bool globMatch(std::string_view p, std::string_view t) {
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool globAny(const std::vector<std::string>& patterns, std::string_view text) {
  for (const std::string& p : patterns)
    if (globMatch(p, text)) return true;
  return false;
}

}  // namespace billet::policy
