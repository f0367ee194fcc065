#include "policy/image_ref.h"

#include <catch2/catch.hpp>

using namespace billet::policy;

TEST_CASE("image references resolve as the kubelet does") {
  auto ref = [](const char* image) {
    ImageRef r = parseImageRef(image);
    return r.host + " | " + r.rest;
  };
  CHECK(ref("nginx") == "docker.io | library/nginx");
  CHECK(ref("nginx:1.27") == "docker.io | library/nginx:1.27");
  CHECK(ref("org/app:1") == "docker.io | org/app:1");
  CHECK(ref("localhost/app") == "localhost | app");
  CHECK(ref("localhost:5000/a/b:1") == "localhost:5000 | a/b:1");
  CHECK(ref("registry:5000/app") == "registry:5000 | app");
  CHECK(ref("evil.io/x.corp.example/app:1") == "evil.io | x.corp.example/app:1");
  CHECK(ref("docker.io/nginx") == "docker.io | library/nginx");
  CHECK(ref("index.docker.io/org/app") == "docker.io | org/app");
}

TEST_CASE("a glob's host part never leaves the registry host") {
  CHECK(imageMatch("*.corp.example/*", "registry.corp.example/app:1"));
  CHECK(imageMatch("*.corp.example/*", "a.b.corp.example/x/y/z@sha256:00"));
  CHECK_FALSE(imageMatch("*.corp.example/*", "evil.io/x.corp.example/app:1"));
  CHECK_FALSE(imageMatch("*.corp.example/*", "evil.io/a/b.corp.example/c"));
  CHECK_FALSE(imageMatch("*.corp.example/*", "corp.example.evil.io/app"));
  CHECK_FALSE(imageMatch("*.corp.example/*", "x.corp.example"));  // docker.io/library/...
  CHECK(imageMatch("*/*", "anything.io/a/b"));
  CHECK(imageMatch("localhost:*/*", "localhost:5000/app"));
}

TEST_CASE("the repository part of a glob spans path components") {
  CHECK(imageMatch("nvcr.io/*", "nvcr.io/nvidia/cuda:12"));
  CHECK(imageMatch("nvcr.io/nvidia/*", "nvcr.io/nvidia/cuda:12"));
  CHECK_FALSE(imageMatch("nvcr.io/nvidia/*", "nvcr.io/evil/cuda:12"));
  CHECK_FALSE(imageMatch("nvcr.io/*", "evil.io/nvcr.io/x"));
}

TEST_CASE("docker.io images match however they are written") {
  CHECK(imageMatch("docker.io/*", "nginx"));
  CHECK(imageMatch("docker.io/library/*", "nginx:1"));
  CHECK(imageMatch("docker.io/library/*", "docker.io/library/nginx"));
  CHECK_FALSE(imageMatch("docker.io/library/*", "evil/nginx"));
  CHECK(imageMatch("docker.io/library/*", "docker.io/nginx"));
  CHECK_FALSE(imageMatch("docker.io/library/*", "index.docker.io/evil/nginx"));
  CHECK(imageMatch("nvcr.io/*/cuda*", "nvcr.io/nvidia/cuda:12"));
  CHECK_FALSE(imageMatch("*cuda*", "nvcr.io/nvidia/cuda:12"));
  CHECK(imageMatch("nginx*", "nginx:1.27"));
  CHECK(imageMatch("library/nginx:*", "nginx:1.27"));
  CHECK_FALSE(imageMatch("nginx*", "evil.io/nginx"));
}

TEST_CASE("a host alone admits every image of that host") {
  CHECK(imageMatch("ghcr.io", "ghcr.io/org/app:2"));
  CHECK(imageMatch("*.corp.example", "r.corp.example/app"));
  CHECK_FALSE(imageMatch("ghcr.io", "evil.io/ghcr.io/app"));
  CHECK(imageMatch("*", "evil.io/anything"));
  CHECK(imageMatchAny({"ghcr.io", "nvcr.io/*"}, "nvcr.io/a"));
  CHECK_FALSE(imageMatchAny({}, "nvcr.io/a"));
}
