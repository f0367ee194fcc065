#include "policy/quantity.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

namespace billet::policy {
namespace {

__extension__ typedef unsigned __int128 U128;
__extension__ typedef __int128 I128;

constexpr U128 kInt128Max = ~U128{0} >> 1;

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// What a suffix multiplies the number by: 10^exp10 * 2^exp2.
struct Scale {
  std::int32_t exp10 = 0;
  std::int32_t exp2 = 0;
};

std::optional<Scale> parseSuffix(std::string_view s) {
  if (s.empty()) return Scale{};
  if (s.size() == 1) {
    switch (s[0]) {
      case 'n':
        return Scale{-9, 0};
      case 'u':
        return Scale{-6, 0};
      case 'm':
        return Scale{-3, 0};
      case 'k':
        return Scale{3, 0};
      case 'M':
        return Scale{6, 0};
      case 'G':
        return Scale{9, 0};
      case 'T':
        return Scale{12, 0};
      case 'P':
        return Scale{15, 0};
      case 'E':
        return Scale{18, 0};
      default:
        return std::nullopt;  // includes "e" without digits
    }
  }
  if (s.size() == 2 && s[1] == 'i') {
    switch (s[0]) {
      case 'K':
        return Scale{0, 10};
      case 'M':
        return Scale{0, 20};
      case 'G':
        return Scale{0, 30};
      case 'T':
        return Scale{0, 40};
      case 'P':
        return Scale{0, 50};
      case 'E':
        return Scale{0, 60};
      default:
        return std::nullopt;
    }
  }
  if (s[0] != 'e' && s[0] != 'E') return std::nullopt;
  s.remove_prefix(1);
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::int32_t exponent = 0;
  for (char c : s) {
    if (!isDigit(c)) return std::nullopt;
    exponent = exponent * 10 + (c - '0');
    if (exponent > Quantity::kMaxExponent) return std::nullopt;  // also stops overflow
  }
  return Scale{negative ? -exponent : exponent, 0};
}

// A natural number on base-1e9 limbs, least significant first, no leading zero limbs.
class Natural {
 public:
  static constexpr std::uint32_t kBase = 1'000'000'000;

  static Natural fromDigits(std::string_view digits) {
    Natural n;
    n.limbs_.reserve(digits.size() / 9 + 1);
    while (!digits.empty()) {
      std::size_t take = std::min<std::size_t>(9, digits.size());
      std::uint32_t limb = 0;
      for (char c : digits.substr(digits.size() - take))
        limb = limb * 10 + static_cast<std::uint32_t>(c - '0');
      n.limbs_.push_back(limb);
      digits.remove_suffix(take);
    }
    n.trim();
    return n;
  }

  static Natural fromU128(U128 v) {
    Natural n;
    while (v != 0) {
      n.limbs_.push_back(static_cast<std::uint32_t>(v % kBase));
      v /= kBase;
    }
    return n;
  }

  // m at most 2^30, so that limb * m + carry fits in 64 bits.
  void mulSmall(std::uint32_t m) {
    std::uint64_t carry = 0;
    for (auto& limb : limbs_) {
      std::uint64_t x = std::uint64_t{limb} * m + carry;
      limb = static_cast<std::uint32_t>(x % kBase);
      carry = x / kBase;
    }
    while (carry != 0) {
      limbs_.push_back(static_cast<std::uint32_t>(carry % kBase));
      carry /= kBase;
    }
    trim();
  }

  void mulPow10(std::int32_t k) {
    static constexpr std::uint32_t kPow10[] = {1,      10,      100,      1000,     10000,
                                               100000, 1000000, 10000000, 100000000};
    for (; k >= 9; k -= 9) mulSmall(kBase);
    if (k > 0) mulSmall(kPow10[k]);
  }

  void mulPow5(std::int32_t k) {
    for (; k >= 12; k -= 12) mulSmall(244'140'625);  // 5^12 < 2^30
    std::uint32_t m = 1;
    for (; k > 0; --k) m *= 5;
    mulSmall(m);
  }

  void mulPow2(std::int32_t k) {
    for (; k >= 30; k -= 30) mulSmall(std::uint32_t{1} << 30);
    if (k > 0) mulSmall(std::uint32_t{1} << k);
  }

  std::string toDigits() const {
    if (limbs_.empty()) return "0";
    std::string out = std::to_string(limbs_.back());
    for (std::size_t i = limbs_.size() - 1; i-- > 0;) {
      std::string limb = std::to_string(limbs_[i]);
      out.append(9 - limb.size(), '0');
      out += limb;
    }
    return out;
  }

  friend int compare(const Natural& a, const Natural& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (std::size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }

 private:
  void trim() {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }

  std::vector<std::uint32_t> limbs_;
};

// |value| = magnitude * 10^exp10 * 2^exp2.
struct Exact {
  Natural magnitude;
  std::int32_t exp10 = 0;
  std::int32_t exp2 = 0;
};

U128 absU128(I128 v) {
  return v < 0 ? U128{0} - static_cast<U128>(v) : static_cast<U128>(v);
}

std::string u128Digits(U128 v) {
  if (v == 0) return "0";
  std::string out;
  while (v != 0) {
    out += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Plain decimal for digits * 10^exp10 (digits without trailing zeros), switching to an exponent
// when the plain form would be long.
std::string formatDecimal(bool negative, std::string digits, std::int32_t exp10) {
  constexpr std::int32_t kPlainZeros = 30;
  std::string out = negative ? "-" : "";
  auto n = static_cast<std::int32_t>(digits.size());
  if (exp10 >= 0 && exp10 <= kPlainZeros) {
    out += digits;
    out.append(static_cast<std::size_t>(exp10), '0');
  } else if (exp10 < 0 && -exp10 <= n + kPlainZeros) {
    if (n > -exp10) {
      out.append(digits, 0, static_cast<std::size_t>(n + exp10));
      out += '.';
      out.append(digits, static_cast<std::size_t>(n + exp10));
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp10 - n), '0');
      out += digits;
    }
  } else {
    out += digits;
    out += 'e';
    out += std::to_string(exp10);
  }
  return out;
}

// Whether the parser reads `text` (written by the formatters here): at most kMaxDigits digits
// before any exponent, and an exponent of at most kMaxExponent in magnitude.
bool withinBounds(std::string_view text) {
  const std::size_t e = text.find('e');
  const std::string_view mantissa = text.substr(0, e);
  if (std::count_if(mantissa.begin(), mantissa.end(), isDigit) > Quantity::kMaxDigits) return false;
  if (e == std::string_view::npos) return true;
  std::string_view exponent = text.substr(e + 1);
  if (!exponent.empty() && exponent.front() == '-') exponent.remove_prefix(1);
  std::int32_t x = 0;
  auto [end, ec] = std::from_chars(exponent.data(), exponent.data() + exponent.size(), x);
  return ec == std::errc() && end == exponent.data() + exponent.size() &&
         x <= Quantity::kMaxExponent;
}

// digits * 10^exp10 without an exponent, for a mantissa: "0.5", or ".5" when the leading zero
// would cross kMaxDigits.
std::string formatPlain(bool negative, const std::string& digits, std::int32_t exp10) {
  std::string out = negative ? "-" : "";
  const auto n = static_cast<std::int32_t>(digits.size());
  if (exp10 >= 0) {
    out += digits;
    out.append(static_cast<std::size_t>(exp10), '0');
  } else if (-exp10 < n) {
    out.append(digits, 0, static_cast<std::size_t>(n + exp10));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n + exp10));
  } else {
    out += -exp10 < Quantity::kMaxDigits ? "0." : ".";
    out.append(static_cast<std::size_t>(-exp10 - n), '0');
    out += digits;
  }
  return out;
}

// digits * 10^exp10 with the exponent clamped into the parser's range; the mantissa takes the
// difference as trailing zeros or fraction digits ("1e-1001" is written "0.1e-1000").
std::string formatClamped(bool negative, const std::string& digits, std::int32_t exp10) {
  const std::int32_t x = std::clamp(exp10, -Quantity::kMaxExponent, Quantity::kMaxExponent);
  return formatPlain(negative, digits, exp10 - x) + "e" + std::to_string(x);
}

}  // namespace

// Private access for the helpers above, without putting them in the header.
struct QuantityParts {
  static Exact exact(const Quantity& q) {
    if (q.small_) return Exact{Natural::fromU128(absU128(q.nano_)), -9, 0};
    return Exact{Natural::fromDigits(q.digits_), q.exp10_, q.exp2_};
  }

  static int compareMagnitude(const Quantity& a, const Quantity& b) {
    Exact x = exact(a);
    Exact y = exact(b);
    // Bring both to the common factor 10^min(exp10) * 2^min(exp2); the rest is integer.
    std::int32_t e10 = std::min(x.exp10, y.exp10);
    std::int32_t e2 = std::min(x.exp2, y.exp2);
    x.magnitude.mulPow10(x.exp10 - e10);
    y.magnitude.mulPow10(y.exp10 - e10);
    x.magnitude.mulPow2(x.exp2 - e2);
    y.magnitude.mulPow2(y.exp2 - e2);
    return compare(x.magnitude, y.magnitude);
  }
};

std::optional<Quantity> Quantity::parse(std::string_view text) {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    negative = text[pos] == '-';
    ++pos;
  }
  std::size_t begin = pos;
  while (pos < text.size() && isDigit(text[pos])) ++pos;
  std::string_view whole = text.substr(begin, pos - begin);
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    begin = ++pos;
    while (pos < text.size() && isDigit(text[pos])) ++pos;
    fraction = text.substr(begin, pos - begin);
  }
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if (whole.size() + fraction.size() > static_cast<std::size_t>(kMaxDigits)) return std::nullopt;
  std::optional<Scale> scale = parseSuffix(text.substr(pos));
  if (!scale) return std::nullopt;

  // The significant digits of whole and fraction together: value = digits * 10^exp10 * 2^exp2.
  char buffer[kMaxDigits];
  if (!whole.empty()) std::memcpy(buffer, whole.data(), whole.size());
  if (!fraction.empty()) std::memcpy(buffer + whole.size(), fraction.data(), fraction.size());
  std::string_view digits(buffer, whole.size() + fraction.size());
  std::int32_t exp10 = scale->exp10 - static_cast<std::int32_t>(fraction.size());
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  while (!digits.empty() && digits.back() == '0') {
    digits.remove_suffix(1);
    ++exp10;
  }

  Quantity q;
  if (digits.empty()) return q;  // zero, whatever the sign or suffix

  // Fast path: the value as a whole number of nano-units, if it fits in 127 bits.
  if (digits.size() <= 38 && exp10 >= -9) {
    U128 v = 0;
    for (char c : digits) v = v * 10 + static_cast<U128>(c - '0');  // < 10^38 < 2^127
    bool fits = true;
    for (std::int32_t k = exp10 + 9; k > 0 && fits; --k) {
      fits = v <= kInt128Max / 10;
      v *= 10;
    }
    if (fits && (kInt128Max >> scale->exp2) >= v) {
      v <<= scale->exp2;
      q.nano_ = negative ? -static_cast<Int128>(v) : static_cast<Int128>(v);
      return q;
    }
  }
  q.small_ = false;
  q.negative_ = negative;
  q.digits_ = std::string(digits);
  q.exp10_ = exp10;
  q.exp2_ = scale->exp2;
  return q;
}

int compare(const Quantity& a, const Quantity& b) {
  int sa = a.sign();
  int sb = b.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  if (a.small_ && b.small_) return a.nano_ < b.nano_ ? -1 : (a.nano_ > b.nano_ ? 1 : 0);
  int magnitude = QuantityParts::compareMagnitude(a, b);
  return sa < 0 ? -magnitude : magnitude;
}

int Quantity::sign() const {
  if (small_) return nano_ < 0 ? -1 : (nano_ > 0 ? 1 : 0);
  return negative_ ? -1 : 1;
}

// The exact value as (digits without trailing zeros) * 10^exp10, and its decimal text.
struct QuantityText {
  static std::string decimal(const Quantity& q, std::string& digits, std::int32_t& exp10) {
    if (q.small_) {
      digits = u128Digits(absU128(q.nano_));
      exp10 = -9;
      while (digits.size() > 1 && digits.back() == '0') {
        digits.pop_back();
        ++exp10;
      }
      if (digits == "0") exp10 = 0;
      return formatDecimal(q.nano_ < 0, digits, exp10);
    }
    digits = q.digits_;
    exp10 = q.exp10_;
    if (q.exp2_ != 0) {
      Natural n = Natural::fromDigits(q.digits_);
      n.mulPow2(q.exp2_);
      digits = n.toDigits();
      while (digits.back() == '0') {
        digits.pop_back();
        ++exp10;
      }
    }
    return formatDecimal(q.negative_, digits, exp10);
  }

  // Near the parser's bounds the decimal text can need more digits or a larger exponent than
  // the parser reads. Then the exponent is clamped; and if the digits are still too many (a
  // binary suffix on kMaxDigits digits), the value is written with the smallest binary suffix
  // that fits ("99…9Ei"). Each choice depends on the value only, so equal values format alike.
  static std::string parseable(const Quantity& q) {
    std::string digits;
    std::int32_t exp10 = 0;
    std::string text = decimal(q, digits, exp10);
    if (withinBounds(text)) return text;
    const bool negative = q.sign() < 0;
    text = formatClamped(negative, digits, exp10);
    if (withinBounds(text)) return text;
    static constexpr const char* kSuffixes[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    for (std::int32_t k = 1; k <= 6; ++k) {
      // value / 2^(10k) = digits * 5^(10k) * 10^(exp10 - 10k)
      Natural n = Natural::fromDigits(digits);
      n.mulPow5(10 * k);
      std::string mantissa = n.toDigits();
      std::int32_t e = exp10 - 10 * k;
      while (mantissa.back() == '0') {
        mantissa.pop_back();
        ++e;
      }
      text = formatPlain(negative, mantissa, e) + kSuffixes[k - 1];
      if (withinBounds(text)) return text;
    }
    return text;  // not reached for a parsed value: its own suffix fits
  }
};

std::string Quantity::toString() const {
  return QuantityText::parseable(*this);
}

double Quantity::toDouble() const {
  if (small_) return static_cast<double>(nano_) / 1e9;
  std::string digits;
  std::int32_t exp10 = 0;
  std::string text = QuantityText::decimal(*this, digits, exp10);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves value untouched on overflow/underflow; decide by the exponent's sign.
    bool huge = text.find("e-") == std::string::npos;
    double magnitude = huge ? std::numeric_limits<double>::infinity() : 0.0;
    return negative_ ? -magnitude : magnitude;
  }
  (void)end;
  return value;
}

}  // namespace billet::policy
