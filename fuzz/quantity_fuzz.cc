// Fuzz target for policy::Quantity, which reads resource quantities from admission requests
// ("500m", "1Gi", "1e3") and compares them exactly.
//
// Each line of the input is a candidate quantity (at most kMaxLines of them; the whole input is
// tried too). Parsing must succeed or return nullopt, quickly, whatever the exponent. For the
// quantities that parse:
//   - compare is a total order: a == a; compare(a, b) == -compare(b, a); a <= b and b <= c imply
//     a <= c; a == b exactly when their toString() texts are equal (the text is canonical);
//   - toString() parses back to an equal quantity, and formatting that gives the same text;
//   - sign() agrees with compare against zero, and toDouble() is a number of the same sign (or
//     zero, when it underflows).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/quantity.h"

namespace {

using billet::policy::Quantity;

constexpr std::size_t kMaxInput = 64 * 1024;
constexpr std::size_t kMaxLines = 8;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "quantity_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void checkOne(const Quantity& q, std::string_view text) {
  const std::string shown(text.substr(0, 200));
  if (compare(q, q) != 0 || !(q == q) || q < q) fail("a quantity is not equal to itself", shown);
  const Quantity zero;
  if (compare(q, zero) != q.sign()) fail("sign() disagrees with compare against zero", shown);
  if (q.isZero() != (q.sign() == 0)) fail("isZero() disagrees with sign()", shown);

  const std::string formatted = q.toString();
  const std::optional<Quantity> back = Quantity::parse(formatted);
  if (!back) fail("toString() does not parse", shown + "\nformatted: " + formatted);
  if (compare(*back, q) != 0)
    fail("toString() parses to a different quantity", shown + "\nformatted: " + formatted);
  if (back->toString() != formatted)
    fail("formatting is not stable", formatted + "\n" + back->toString());

  const double d = q.toDouble();
  if (std::isnan(d)) fail("toDouble() is NaN", shown);
  if ((q.sign() > 0 && d < 0) || (q.sign() < 0 && d > 0) || (q.sign() == 0 && d != 0))
    fail("toDouble() has the wrong sign", shown + "\nformatted: " + formatted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The whole input as one quantity: a newline or anything else outside the grammar rejects it.
  if (std::optional<Quantity> whole = Quantity::parse(input)) {
    if (input.find('\n') != std::string_view::npos) fail("a quantity with a newline parsed", "");
    checkOne(*whole, input);
  }

  std::vector<Quantity> qs;
  std::vector<std::string_view> texts;
  std::string_view rest = input;
  while (!rest.empty() && texts.size() < kMaxLines) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (std::optional<Quantity> q = Quantity::parse(line)) {
      checkOne(*q, line);
      qs.push_back(*q);
      texts.push_back(line);
    }
  }

  // The order over every pair, then transitivity over every triple from that table.
  const std::size_t n = qs.size();
  std::vector<int> cmp(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const int c = compare(qs[i], qs[j]);
      if (c < -1 || c > 1) fail("compare returned something other than -1, 0, 1", "");
      cmp[i * n + j] = c;
    }
  auto pair = [&](std::size_t i, std::size_t j) {
    return std::string(texts[i].substr(0, 200)) + "\n" + std::string(texts[j].substr(0, 200));
  };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const int c = cmp[i * n + j];
      if (c != -cmp[j * n + i]) fail("compare(a, b) != -compare(b, a)", pair(i, j));
      if ((c < 0) != (qs[i] < qs[j]) || (c == 0) != (qs[i] == qs[j]) ||
          (c > 0) != (qs[i] > qs[j]) || (c <= 0) != (qs[i] <= qs[j]) ||
          (c >= 0) != (qs[i] >= qs[j]))
        fail("an operator disagrees with compare", pair(i, j));
      if ((c == 0) != (qs[i].toString() == qs[j].toString()))
        fail("equal quantities format differently (or unequal ones alike)", pair(i, j));
      for (std::size_t k = 0; k < n; ++k)
        if (c <= 0 && cmp[j * n + k] <= 0 && cmp[i * n + k] > 0)
          fail("compare is not transitive", pair(i, j) + "\n" + std::string(texts[k]));
    }
  return 0;
}
