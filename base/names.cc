#include "base/names.h"

namespace billet::base {
namespace {

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool nameOf(std::string_view s, std::size_t max, bool dots) {
  if (s.empty() || s.size() > max || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-' && !(dots && c == '.')) return false;
  return true;
}

}  // namespace

bool isDns1123Label(std::string_view s) {
  return nameOf(s, 63, false);
}

bool isDns1123Subdomain(std::string_view s) {
  if (!nameOf(s, 253, true)) return false;
  // Each part between dots starts and ends with a letter or digit: no "a..b", "a.-b", "a-.b".
  for (std::size_t at = 0;;) {
    const std::size_t dot = s.find('.', at);
    const std::string_view part = s.substr(at, dot == std::string_view::npos ? dot : dot - at);
    if (!nameOf(part, 253, false)) return false;
    if (dot == std::string_view::npos) return true;
    at = dot + 1;
  }
}

}  // namespace billet::base
