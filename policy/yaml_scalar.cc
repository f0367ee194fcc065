#include "policy/yaml_scalar.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "base/utf8.h"
#include "json/base64.h"

namespace billet::policy {
namespace {

bool oneOf(std::string_view s, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (s == w) return true;
  return false;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// strconv.ParseInt/ParseUint(s, 0, 64): optional sign, then 0x/0o/0b or a leading 0 (octal) or
// decimal. Writes the decimal text of the value; false when s is not such an integer or is out
// of the int64 range (negative) or uint64 range (positive).
bool parseGoInteger(std::string_view s, std::string& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (negative) {
    if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    out = v == 0 ? "0" : "-" + std::to_string(v);
  } else {
    out = std::to_string(v);
  }
  return true;
}

// A decimal float's text without its underscores when Go's ParseFloat allows them there (each
// between two digits: `.1_000` is .1000), else the text itself, which no float pattern matches.
std::string goUnderscoresRemoved(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '_') {
      out += s[i];
      continue;
    }
    if (i == 0 || !isDigit(s[i - 1]) || i + 1 == s.size() || !isDigit(s[i + 1]))
      return std::string(s);
  }
  return out;
}

// go-yaml v2's float pattern: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool yamlStyleFloat(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t f = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == f) return false;
  } else {
    std::size_t d = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == d) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && isDigit(s[i])) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t e = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == e) return false;
  }
  return i == s.size();
}

bool parseDouble(std::string_view s, double& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Whether the text of a float (yamlStyleFloat) that a double cannot hold is too close to zero
// rather than too large: Go's ParseFloat rounds it to zero without an error, and kubectl sends 0
// (while a float too large stays text). From the decimal exponent of its first significant digit.
bool underflows(std::string_view s) {
  std::size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  long long beforePoint = 0, firstSignificant = -1, digit = 0;
  bool point = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      point = true;
      continue;
    }
    if (!point) ++beforePoint;
    if (s[i] != '0' && firstSignificant < 0) firstSignificant = digit;
    ++digit;
  }
  if (firstSignificant < 0) return false;  // zero: a double holds it
  long long exponent = 0;
  if (i < s.size()) {
    const bool negative = i + 1 < s.size() && s[i + 1] == '-';
    for (std::size_t k = i + 1; k < s.size(); ++k)
      if (isDigit(s[k]) && exponent < 1'000'000'000) exponent = exponent * 10 + (s[k] - '0');
    if (negative) exponent = -exponent;
  }
  return beforePoint - 1 - firstSignificant + exponent < 0;
}

json::Value floatValue(double v) {
  if (!std::isfinite(v)) return json::Value();  // caller keeps the text
  return json::Value::number(goJsonFloat(v));
}

// The value of a YAML float (go-yaml v2's pattern) as kubectl sends it: the nearest double, or
// zero for one too close to zero. False for other text, and for a float too large (it stays text).
bool goFloat(std::string_view text, json::Value& out) {
  if (!yamlStyleFloat(text)) return false;
  double v = 0;
  if (parseDouble(text, v) && std::isfinite(v))
    out = floatValue(v);
  else if (underflows(text))
    out = floatValue(text[0] == '-' ? -0.0 : 0.0);
  else
    return false;
  return true;
}

}  // namespace

std::string goJsonFloat(double value) {
  // The shortest digits that read back exactly, as Go chooses them: C++'s shortest scientific
  // form. Go's fixed notation pads those digits with zeros (12345678901234567890 is written
  // 12345678901234567000), where C++'s would print the double's exact integer part.
  std::array<char, 64> buf{};
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific);
  if (ec != std::errc()) return "";
  std::string out(buf.data(), end);
  const double abs = std::fabs(value);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go writes "e-7" where C++ writes "e-07".
    const std::size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
    return out;
  }
  const std::size_t e = out.find('e');
  int exponent = 0;
  std::from_chars(out.data() + e + (out[e + 1] == '+' ? 2 : 1), out.data() + out.size(), exponent);
  const bool negative = out[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i)
    if (out[i] != '.') digits += out[i];
  std::string fixed = negative ? "-" : "";
  if (exponent < 0) {
    fixed += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exponent) + 1 >= digits.size()) {
    fixed += digits + std::string(static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
  } else {
    const auto point = static_cast<std::size_t>(exponent) + 1;
    fixed += digits.substr(0, point) + "." + digits.substr(point);
  }
  return fixed;
}

namespace {

// What go-yaml v2 resolves a plain scalar to: the tag its resolver gives it (shortTag names them
// in this order), and its JSON value.
enum class Resolved { kNull, kBool, kInt, kFloat, kStr };

json::Value resolve(std::string_view s, Resolved& as) {
  if (s.size() <= 5) {  // the words below; most scalars are longer and skip them
    as = Resolved::kNull;
    if (oneOf(s, {"", "~", "null", "Null", "NULL"})) return json::Value::null();
    as = Resolved::kBool;
    if (oneOf(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}))
      return json::Value::boolean(true);
    if (oneOf(s, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}))
      return json::Value::boolean(false);
  }
  as = Resolved::kStr;
  if (s[0] == '.' || ((s[0] == '+' || s[0] == '-') && s.size() > 1 && s[1] == '.')) {
    // go-yaml's words for infinities and NaN are floats that JSON cannot hold: their text, as
    // a float (the callers refuse it, or name a key after it).
    if (!nonJsonFloat(s).empty()) {
      as = Resolved::kFloat;
      return json::Value::string(std::string(s));
    }
  }
  if (s[0] == '.') {  // ".5"; go-yaml reads these with Go's ParseFloat, underscores and all
    json::Value number;
    if (!goFloat(s.find('_') == std::string_view::npos ? std::string(s) : goUnderscoresRemoved(s),
                 number))
      return json::Value::string(std::string(s));
    as = Resolved::kFloat;
    return number;
  }
  if (!isDigit(s[0]) && s[0] != '+' && s[0] != '-') return json::Value::string(std::string(s));
  // Integers and floats, with underscores as digit separators (1_000).
  std::string plain;
  plain.reserve(s.size());
  for (char c : s)
    if (c != '_') plain += c;
  std::string digits;
  if (parseGoInteger(plain, digits)) {
    as = Resolved::kInt;
    return json::Value::number(std::move(digits));
  }
  if (json::Value number; goFloat(plain, number)) {
    as = Resolved::kFloat;
    return number;
  }
  return json::Value::string(std::string(s));
}

std::string_view shortTag(Resolved r) {
  constexpr std::string_view kTags[] = {"!!null", "!!bool", "!!int", "!!float", "!!str"};
  return kTags[static_cast<int>(r)];  // in the order of Resolved
}

// Decoded !!binary bytes as Go's JSON encoder writes a string: each byte that does not start a
// UTF-8 character becomes U+FFFD.
std::string asGoJsonText(std::string bytes) {
  if (!base::findInvalidUtf8(bytes)) return bytes;
  std::string out;
  for (std::size_t i = 0; i < bytes.size();) {
    const base::Utf8Char c = base::decodeUtf8(bytes, i);
    if (c.size == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(bytes, i, c.size);
      i += c.size;
    }
  }
  return out;
}

// Whether the decimal text of a non-negative integer is past int64's range.
bool pastInt64(std::string_view digits) {
  constexpr std::string_view kInt64Max = "9223372036854775807";
  return digits.size() > kInt64Max.size() ||
         (digits.size() == kInt64Max.size() && digits > kInt64Max);
}

// A resolved scalar as the API server stores it and a webhook receives it. A float zero is 0
// whatever its sign (kubectl sends -0.0 as -0). An integer past int64's range, which go-yaml
// reads as an unsigned one, is a float64 by the time kubectl sends it (its JSON decoder keeps
// integers only within int64's range): 9223372036854775808 is sent as 9223372036854776000.
void asSent(json::Value& v, Resolved as) {
  if (as == Resolved::kFloat && v.asNumberText() == "-0") {
    v = json::Value::number("0");
  } else if (as == Resolved::kInt && v.asNumberText().size() >= 19 && v.asNumberText()[0] != '-' &&
             pastInt64(v.asNumberText())) [[unlikely]] {
    double d = 0;
    if (parseDouble(v.asNumberText(), d)) v = floatValue(d);
  }
}

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// A float key as kubectl names the member (sigs.k8s.io/yaml: strconv.FormatFloat(f, 'g', -1, 32)):
// the nearest float32 in its shortest digits, with an exponent (two digits at least) when it is
// below -4 or 6 and above, ±Inf as ±.inf. `123456789.5:` is "1.2345679e+08", `1e-7:` "1e-07".
std::string goFloatKey(double value) {
  const auto f = static_cast<float>(value);
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), f,
                                       std::chars_format::scientific);  // "-1.2345679e+08"
  const std::string_view sci(buf.data(), ec == std::errc() ? end : buf.data());
  const std::size_t e = sci.find('e');
  if (e == std::string_view::npos) return std::string(sci);
  const bool negative = sci[0] == '-';
  std::string digits;
  for (char c : sci.substr(negative ? 1 : 0, e - (negative ? 1 : 0)))
    if (c != '.') digits += c;
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += '0';
    return out + std::to_string(magnitude);
  }
  if (exponent < 0)
    return out + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  const auto point = static_cast<std::size_t>(exponent) + 1;
  if (digits.size() <= point) return out + digits + std::string(point - digits.size(), '0');
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

}  // namespace

std::string_view nonJsonFloat(std::string_view text) {
  if (text.size() < 4 || text.size() > 5) return {};
  if (oneOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) return "+Inf";
  if (oneOf(text, {"-.inf", "-.Inf", "-.INF"})) return "-Inf";
  if (oneOf(text, {".nan", ".NaN", ".NAN"})) return "NaN";
  return {};
}

std::string nonJsonFloatError(std::string_view text) {
  return "`" + std::string(text) +
         "` is a float JSON cannot hold (kubectl: json: unsupported value: " +
         std::string(nonJsonFloat(text)) + ")";
}

json::Value resolvePlainScalar(std::string_view s, std::string& error) {
  Resolved as;
  json::Value v = resolve(s, as);
  if (as == Resolved::kFloat && v.isString()) [[unlikely]] {
    error = nonJsonFloatError(s);
    return v;
  }
  asSent(v, as);
  return v;
}

base::Result<json::Value> resolveTaggedScalar(std::string_view tag, std::string_view text) {
  using Out = base::Result<json::Value>;
  const std::string_view name =
      tag.starts_with(kCoreTagPrefix) ? tag.substr(kCoreTagPrefix.size()) : std::string_view();
  Resolved wanted;
  if (name == "null") {
    wanted = Resolved::kNull;
  } else if (name == "bool") {
    wanted = Resolved::kBool;
  } else if (name == "int") {
    wanted = Resolved::kInt;
  } else if (name == "float") {
    wanted = Resolved::kFloat;
  } else if (name == "binary") {
    // Base64 as Go's StdEncoding reads it: line breaks ignored, padding required.
    std::string compact;
    for (char c : text)
      if (c != '\n' && c != '\r') compact += c;
    std::optional<std::string> bytes = json::base64Decode(compact);
    if (!bytes) return Out::failure("!!binary value contains invalid base64 data");
    return {json::Value::string(asGoJsonText(std::move(*bytes))), ""};
  } else {
    // !!str, !!timestamp (kept as written, as an untagged timestamp is), and tags of the
    // document's own (`!local`): the text.
    return {json::Value::string(std::string(text)), ""};
  }
  Resolved as;
  json::Value v = resolve(text, as);
  if (as == wanted) {
    if (as == Resolved::kFloat && v.isString()) return Out::failure(nonJsonFloatError(text));
    asSent(v, as);
    return {std::move(v), ""};
  }
  if (wanted == Resolved::kFloat && as == Resolved::kInt) {
    double d = 0;
    if (parseDouble(v.asNumberText(), d) && std::isfinite(d)) return {floatValue(d), ""};
  }
  return Out::failure("cannot decode " + std::string(shortTag(as)) + " `" + std::string(text) +
                      "` as a " + std::string(shortTag(wanted)));
}

bool isUnsignedIntegerText(std::string_view text) {
  Resolved as;
  const json::Value v = resolve(text, as);
  return as == Resolved::kInt && v.asNumberText()[0] != '-' && pastInt64(v.asNumberText());
}

std::optional<std::string> goJsonNumber(std::string_view text) {
  if (text.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size()) return std::to_string(n);
  }
  double v = 0;
  if (parseDouble(text, v) && std::isfinite(v)) return goJsonFloat(v == 0 ? 0.0 : v);
  if (underflows(text)) return std::string("0");
  return std::nullopt;
}

bool isMergeKey(std::string_view tag, std::string_view text) {
  return text == "<<" && (tag == "?" || tag.empty() || tag == "tag:yaml.org,2002:merge");
}

std::string resolvePlainKey(std::string_view text) {
  Resolved as;
  json::Value v = resolve(text, as);
  if (v.isNull()) return "null";
  if (as == Resolved::kFloat && v.isString()) {  // as sigs.k8s.io/yaml names them
    const std::string_view f = nonJsonFloat(text);
    return f == "+Inf" ? ".inf" : f == "-Inf" ? "-.inf" : ".nan";
  }
  if (as == Resolved::kFloat) {
    double d = 0;
    if (parseDouble(v.asNumberText(), d)) return goFloatKey(d);
  }
  return v.isString() ? std::string(v.asString()) : v.scalarText();
}

std::optional<std::string> restoreNelAndNbspEscapes(std::string_view scalar) {
  // Most scalars hold neither byte: one pass to find out, and nothing copied.
  if (scalar.find_first_of("\x85\xA0") == std::string_view::npos) return std::nullopt;
  std::string out;
  std::size_t copied = 0;
  bool changed = false;
  for (std::size_t i = 0; i < scalar.size();) {
    const base::Utf8Char c = base::decodeUtf8(scalar, i);
    if (c.size != 0) {
      i += c.size;
      continue;
    }
    const char byte = scalar[i];
    if (byte == '\x85' || byte == '\xA0') {
      out.append(scalar.substr(copied, i - copied));
      out += '\xC2';
      out += byte;
      copied = i + 1;
      changed = true;
    }
    ++i;
  }
  if (!changed) return std::nullopt;
  out.append(scalar.substr(copied));
  return out;
}

}  // namespace billet::policy
