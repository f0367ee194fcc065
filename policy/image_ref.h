// Container image references as the kubelet resolves them, and image globs matched against them
// with the registry host compared as a unit.
//
//   ImageRef r = parseImageRef("nginx:1.27");  // {"docker.io", "library/nginx:1.27"}
//   imageMatch("*.corp.example/*", "registry.corp.example/app:1")   == true
//   imageMatch("*.corp.example/*", "evil.io/x.corp.example/app:1")  == false
//   imageMatch("docker.io/library/*", "nginx")                      == true
//   imageMatch("ghcr.io", "ghcr.io/org/app:2")                      == true  (a host alone)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace billet::policy {

struct ImageRef {
  std::string host;  // "docker.io", "localhost:5000", "registry.corp.example"
  std::string rest;  // repository with its tag and/or digest: "library/nginx:1.27"
};

// The first path component is a registry host only when it contains "." or ":" or is
// "localhost"; otherwise the image is on docker.io, and a single component is under "library/".
ImageRef parseImageRef(std::string_view image);

// A pattern is split like an image: before the first "/" the host glob, after it the repository
// glob. `*` in the host glob never leaves the host; in the repository glob it matches any run of
// characters, "/" included ("nvcr.io/*" admits "nvcr.io/nvidia/cuda:12"). A pattern without "/"
// that names a host ("ghcr.io", "*.corp.example", "*") admits every image of that host.
bool imageMatch(std::string_view pattern, std::string_view image);
// True when any pattern matches; false for an empty list.
bool imageMatchAny(const std::vector<std::string>& patterns, std::string_view image);

}  // namespace billet::policy
