// Shell-style globs for names, namespaces, images and users: `*` matches any run of characters
// (including none, and including "/"), `?` exactly one; everything else is literal.
//
//   globMatch("ml-*", "ml-prod")            == true
//   globMatch("nvcr.io/*", "nvcr.io/a/b:1") == true
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace billet::policy {

bool globMatch(std::string_view pattern, std::string_view text);
// True when any pattern matches; false for an empty list.
bool globAny(const std::vector<std::string>& patterns, std::string_view text);

}  // namespace billet::policy
