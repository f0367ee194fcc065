#include "policy/overlap.h"

#include <catch2/catch.hpp>

using namespace billet::policy;

TEST_CASE("globs overlap unless their literal ends disagree") {
  CHECK(globsMayOverlap("team-a", "team-a"));
  CHECK_FALSE(globsMayOverlap("team-a", "team-b"));
  CHECK(globsMayOverlap("team-*", "team-b"));
  CHECK_FALSE(globsMayOverlap("ml-*", "team-b"));
  CHECK(globsMayOverlap("ml-*", "ml-prod-*"));
  CHECK_FALSE(globsMayOverlap("ml-*", "web-*"));
  CHECK_FALSE(globsMayOverlap("*-prod", "*-dev"));
  CHECK(globsMayOverlap("*-prod", "ml-*"));  // ml-prod
  CHECK(globsMayOverlap("a?c", "ab*"));
  CHECK(globsMayOverlap("*", "anything-*"));
}

TEST_CASE("match blocks are disjoint only when some criterion proves it") {
  Match a, b;
  CHECK(mayOverlap(a, b));
  a.kinds = {"Pod"};
  b.kinds = {"Deployment"};
  CHECK_FALSE(mayOverlap(a, b));
  b.kinds = {"*"};
  CHECK(mayOverlap(a, b));
  // `Workloads` includes the kinds of Settings.podTemplates, which it does not list.
  Match w, ray;
  w.kinds = {"Pod", "Deployment"};
  w.workloads = true;
  ray.kinds = {"RayCluster"};
  CHECK(mayOverlap(w, ray));
  CHECK(mayOverlap(ray, w));
  ray.kinds = {"Node"};
  CHECK_FALSE(mayOverlap(w, ray));
  a.namespaces = {"team-a", "shared"};
  b.namespaces = {"team-b", "shared"};
  CHECK(mayOverlap(a, b));
  b.namespaces = {"team-b"};
  CHECK_FALSE(mayOverlap(a, b));
  b.namespaces.clear();

  a.labels = LabelSelector{{{"pool", "a"}}, {}};
  b.labels = LabelSelector{{}, {{"pool", LabelSelector::Requirement::Op::NotIn, {"a"}}}};
  CHECK_FALSE(mayOverlap(a, b));
  b.labels = LabelSelector{{}, {{"pool", LabelSelector::Requirement::Op::NotIn, {"b"}}}};
  CHECK(mayOverlap(a, b));
  b.labels = LabelSelector{{{"team", "x"}}, {}};  // another key: a pod can carry both
  CHECK(mayOverlap(a, b));

  a.gpu = true;
  b.gpu = false;
  CHECK_FALSE(mayOverlap(a, b));
  b.gpu.reset();
  a.replicasMin = 5;
  b.replicasMax = 4;
  CHECK_FALSE(mayOverlap(a, b));
  b.replicasMax = 5;
  CHECK(mayOverlap(a, b));
  // Undecided criteria overlap: two containers can carry two images.
  a.images = {"nvcr.io/*"};
  b.images = {"docker.io/*"};
  CHECK(mayOverlap(a, b));
}

TEST_CASE("an exclude covers a match only where that is certain") {
  Match exclude, m;
  exclude.namespaces = {"batch-*"};
  m.namespaces = {"batch-a", "batch-b"};
  CHECK(covers(exclude, m));
  m.namespaces.push_back("web");
  CHECK_FALSE(covers(exclude, m));
  m.namespaces = {"batch-*"};  // a glob: not decided
  CHECK_FALSE(covers(exclude, m));
  m.namespaces = {"batch-a"};
  exclude.names = {"x"};  // an exclude with more criteria: not decided
  CHECK_FALSE(covers(exclude, m));
}
