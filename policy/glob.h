// Shell-style globs for names, namespaces, users and container names: `*` matches any run of
// characters (including none, and including "/"), `?` exactly one; everything else is literal.
// Images are not matched with these directly: policy/image_ref.h compares the registry host as a
// unit, so that `*` in a host never reaches into the repository path.
//
//   globMatch("ml-*", "ml-prod")                        == true
//   globMatch("system:serviceaccount:ci:*", "system:serviceaccount:ci:bot") == true
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace billet::policy {

bool globMatch(std::string_view pattern, std::string_view text);
// True when any pattern matches; false for an empty list.
bool globAny(const std::vector<std::string>& patterns, std::string_view text);

}  // namespace billet::policy
