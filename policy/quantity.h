// Kubernetes resource quantities ("500m", "1Gi", "1e3"), parsed with the Kubernetes grammar and
// compared exactly, without floating point.
//
//   auto a = Quantity::parse("500m");   // std::optional<Quantity>
//   auto b = Quantity::parse("1");
//   compare(*a, *b);                    // -1: 500m < 1
//   *Quantity::parse("1e3") == *Quantity::parse("1k");   // true
//   *Quantity::parse("32Gi") < *Quantity::parse("35G");  // true: 34359738368 < 35000000000
//   Quantity::parse("1ki");             // nullopt: lowercase k is decimal kilo, "ki" is no suffix
//
// Grammar (k8s.io/apimachinery/pkg/api/resource, Quantity):
//
//   <quantity>        ::= <signedNumber><suffix>
//   <signedNumber>    ::= <number> | <sign><number>
//   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <sign>            ::= "+" | "-"
//   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <sign>? <digits> | "E" <sign>? <digits>
//
// "E" alone is exa (10^18); "1E3" is 1000. No spaces, no other suffixes, case-sensitive.
//
// Decisions where this differs from the API server's parser, written down on purpose:
//  - The value is kept exactly. The API server rounds a non-zero value finer than 1n away from
//    zero ("0.1n" is stored as "1n") and caps binarySI values at 2^63-1 ("16Ei" is stored as
//    2^63-1); here "0.1n" < "1n" and "8Ei" < "16Ei".
//  - "", ".", "+" and "-" are rejected: they are not in the grammar (the Go scanner reads the
//    last three as 0).
//  - Bounds keep hostile input cheap: at most kMaxDigits digits in the number and an exponent of
//    at most kMaxExponent in magnitude ("1e999999999" is rejected, not evaluated).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace billet::policy {

class Quantity {
 public:
  static constexpr int kMaxDigits = 1000;    // digits before and after the point, together
  static constexpr int kMaxExponent = 1000;  // |n| in "e<n>"

  // The quantity zero.
  Quantity() = default;

  // nullopt when `text` is not a quantity.
  static std::optional<Quantity> parse(std::string_view text);

  // -1, 0 or 1 as a is less than, equal to or greater than b; exact.
  friend int compare(const Quantity& a, const Quantity& b);
  friend bool operator==(const Quantity& a, const Quantity& b) { return compare(a, b) == 0; }
  friend bool operator<(const Quantity& a, const Quantity& b) { return compare(a, b) < 0; }
  friend bool operator>(const Quantity& a, const Quantity& b) { return compare(a, b) > 0; }
  friend bool operator<=(const Quantity& a, const Quantity& b) { return compare(a, b) <= 0; }
  friend bool operator>=(const Quantity& a, const Quantity& b) { return compare(a, b) >= 0; }

  int sign() const;  // -1, 0 or 1
  bool isZero() const { return sign() == 0; }

  // The exact value in plain decimal, parseable back to an equal Quantity: "0.5", "1073741824",
  // "-2.5", "0". Very large or very small values use an exponent: "123e40", "1e-400". Near the
  // parser's bounds the text stays within them: an exponent past kMaxExponent moves into the
  // mantissa ("1e-1999" is "0.00…01e-1000"), and a value with more than kMaxDigits digits in
  // decimal keeps a binary suffix ("99…9Ei"). Equal quantities give the same text.
  std::string toString() const;

  // An approximation for display and ratios; never use it to compare.
  double toDouble() const;

 private:
  __extension__ typedef __int128 Int128;

  // Small values (almost all real ones) are held exactly as a count of nano-units.
  bool small_ = true;
  Int128 nano_ = 0;
  // Otherwise: (negative_ ? -1 : 1) * digits_ * 10^exp10_ * 2^exp2_, digits_ without leading or
  // trailing zeros and never empty.
  bool negative_ = false;
  std::string digits_;
  std::int32_t exp10_ = 0;
  std::int32_t exp2_ = 0;

  friend struct QuantityParts;
  friend struct QuantityText;
};

}  // namespace billet::policy
