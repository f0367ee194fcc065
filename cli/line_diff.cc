#include "cli/line_diff.h"

#include <algorithm>
#include <vector>

namespace billet::cli {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

struct Edit {
  char op;        // ' ', '-', '+'
  std::size_t a;  // line index in a (for ' ' and '-')
  std::size_t b;  // line index in b (for ' ' and '+')
};

// The edit script from a longest common subsequence table.
std::vector<Edit> editScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<Edit> out;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', i++, j});  // removals before additions, as diff -u prints them
    } else {
      out.push_back({'+', i, j++});
    }
  }
  return out;
}

}  // namespace

std::string unifiedDiff(const std::string& textA, const std::string& textB,
                        const std::string& nameA, const std::string& nameB, int context) {
  std::vector<std::string> a = lines(textA), b = lines(textB);
  std::vector<Edit> edits = editScript(a, b);
  std::string out;
  const std::size_t ctx = static_cast<std::size_t>(std::max(context, 0));
  std::size_t k = 0;
  while (k < edits.size()) {
    if (edits[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: `ctx` lines before this change, through every change that follows within 2*ctx
    // unchanged lines, and `ctx` lines after the last of them.
    std::size_t start = k >= ctx ? k - ctx : 0, last = k;
    for (std::size_t t = k; t < edits.size() && t - last <= 2 * ctx; ++t)
      if (edits[t].op != ' ') last = t;
    std::size_t end = std::min(last + 1 + ctx, edits.size());
    std::size_t countA = 0, countB = 0;
    for (std::size_t t = start; t < end; ++t) {
      countA += edits[t].op != '+';
      countB += edits[t].op != '-';
    }
    // Line numbers are 1-based; an empty side starts at the line before (as diff -u prints).
    std::size_t firstA = edits[start].a + (countA ? 1 : 0);
    std::size_t firstB = edits[start].b + (countB ? 1 : 0);
    if (out.empty()) out = "--- " + nameA + "\n+++ " + nameB + "\n";
    out += "@@ -" + std::to_string(firstA) + "," + std::to_string(countA) + " +" +
           std::to_string(firstB) + "," + std::to_string(countB) + " @@\n";
    for (std::size_t t = start; t < end; ++t) {
      const Edit& e = edits[t];
      out += e.op;
      out += e.op == '+' ? b[e.b] : a[e.a];
      out += '\n';
    }
    k = end;
  }
  return out;
}

}  // namespace billet::cli
