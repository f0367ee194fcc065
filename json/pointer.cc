#include "json/pointer.h"

namespace billet::json {

void appendToken(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  // One pass over the bytes (find_first_of would search the token once per special character).
  bool plain = true;
  for (char c : token) plain = plain && c != '~' && c != '/';
  if (plain) {
    pointer.append(token);
    return;
  }
  // "~" must become "~0" before "/" becomes "~1" (RFC 6901 section 4); doing both in one pass
  // over the input gives the same result.
  for (char c : token) {
    if (c == '~') {
      pointer.append("~0", 2);
    } else if (c == '/') {
      pointer.append("~1", 2);
    } else {
      pointer.push_back(c);
    }
  }
}

std::string escapeToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out.append("~0", 2);
    } else if (c == '/') {
      out.append("~1", 2);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool splitPointer(std::string_view pointer, std::vector<std::string>& tokens) {
  tokens.clear();
  if (pointer.empty()) return true;  // the whole document
  if (pointer.front() != '/') return false;
  std::size_t i = 1;
  for (;;) {
    std::string& token = tokens.emplace_back();
    while (i < pointer.size() && pointer[i] != '/') {
      const char c = pointer[i];
      if (c == '~') {
        if (i + 1 >= pointer.size()) return false;
        const char next = pointer[i + 1];
        if (next == '0') {
          token.push_back('~');
        } else if (next == '1') {
          token.push_back('/');
        } else {
          return false;
        }
        i += 2;
      } else {
        token.push_back(c);
        ++i;
      }
    }
    if (i >= pointer.size()) return true;
    ++i;  // the '/' that starts the next token
  }
}

}  // namespace billet::json
