#include "policy/image_ref.h"

#include "policy/glob.h"

namespace billet::policy {
namespace {

bool looksLikeHost(std::string_view component) {
  return component.find('.') != std::string_view::npos ||
         component.find(':') != std::string_view::npos || component == "localhost";
}

// A pattern's first component (before a "/") is a host glob when it would be a host in an
// image, or when it holds a wildcard ("*/app"); "library/*" is a repository on docker.io.
bool patternHost(std::string_view component) {
  return looksLikeHost(component) || component.find_first_of("*?") != std::string_view::npos;
}

}  // namespace

ImageRef parseImageRef(std::string_view image) {
  std::size_t slash = image.find('/');
  if (slash == std::string_view::npos) return {"docker.io", "library/" + std::string(image)};
  std::string_view first = image.substr(0, slash);
  if (!looksLikeHost(first)) return {"docker.io", std::string(image)};
  std::string_view rest = image.substr(slash + 1);
  // Docker Hub's other spellings: "index.docker.io/nginx" and "docker.io/nginx" are
  // "docker.io/library/nginx", so that "docker.io/library/*" is not bypassed by writing them.
  if (first == "docker.io" || first == "index.docker.io") {
    if (rest.find('/') == std::string_view::npos)
      return {"docker.io", "library/" + std::string(rest)};
    return {"docker.io", std::string(rest)};
  }
  return {std::string(first), std::string(rest)};
}

bool imageMatch(std::string_view pattern, std::string_view image) {
  ImageRef ref = parseImageRef(image);
  std::size_t slash = pattern.find('/');
  if (slash == std::string_view::npos) {
    // "*" and host patterns admit the whole registry; anything else is a docker.io name.
    if (pattern == "*" || looksLikeHost(pattern)) return globMatch(pattern, ref.host);
    return ref.host == "docker.io" && globMatch("library/" + std::string(pattern), ref.rest);
  }
  std::string_view first = pattern.substr(0, slash);
  if (!patternHost(first)) return ref.host == "docker.io" && globMatch(pattern, ref.rest);
  return globMatch(first, ref.host) && globMatch(pattern.substr(slash + 1), ref.rest);
}

bool imageMatchAny(const std::vector<std::string>& patterns, std::string_view image) {
  for (const std::string& p : patterns)
    if (imageMatch(p, image)) return true;
  return false;
}

}  // namespace billet::policy
