#include "policy/path.h"

#include <catch2/catch.hpp>

#include "policy/source.h"
#include "policy/template_roots.h"

using namespace billet::policy;
using billet::json::Value;

namespace {

Value yaml(const std::string& text) {
  return toValue(YAML::Load(text));
}

std::vector<std::string> read(const Path& p, const PathRoots& roots) {
  Slots slots;
  readPath(p, roots, slots);
  std::vector<std::string> out;
  for (const Slot& s : slots) {
    std::string c = s.container ? std::string(s.container->find("name")->asString()) : "-";
    out.push_back(c + "=" + (s.value ? s.value->scalarText() : "<absent>"));
  }
  return out;
}

std::vector<std::string> read(const std::string& path, const Value& pod,
                              ContainerList* kept = nullptr) {
  Path p;
  std::string error;
  REQUIRE(parsePath(path, p, error));
  PathRoots roots;
  roots.pod = &pod;
  roots.allContainers = kept;
  return read(p, roots);
}

const char* kPod = R"(
containers:
  - {name: a, image: "x:1", resources: {limits: {nvidia.com/gpu: "1"}}}
  - {name: b, image: "y:2"}
initContainers:
  - {name: init, image: "z:3"}
ephemeralContainers:
  - {name: debug, image: "d:4"}
)";

}  // namespace

TEST_CASE("paths parse every segment kind") {
  Path p;
  std::string error;
  REQUIRE(parsePath(R"(pod.allContainers[*].resources.limits["nvidia.com/gpu"])", p, error));
  REQUIRE(p.root == Root::Pod);
  REQUIRE(p.segments.size() == 5);
  CHECK(p.segments[0].kind == Segment::Kind::AllContainers);
  CHECK(p.segments[1].kind == Segment::Kind::Wildcard);
  CHECK(p.segments[4].key == "nvidia.com/gpu");
  REQUIRE(parsePath("object.spec.template.spec.containers[name=marie].image", p, error));
  CHECK(p.segments[4].kind == Segment::Kind::Select);
  CHECK(p.segments[4].key == "name");
  CHECK(p.segments[4].value == "marie");
  REQUIRE(parsePath("oldObject.spec.containers[3]", p, error));
  CHECK(p.segments[2].kind == Segment::Kind::Index);
  CHECK(p.segments[2].index == 3);
  REQUIRE(parsePath(R"(podMetadata.annotations["a\"b"])", p, error));
  CHECK(p.segments[1].key == "a\"b");
}

TEST_CASE("bad paths are rejected with a reason") {
  Path p;
  std::string error;
  CHECK_FALSE(parsePath("spec.containers", p, error));
  CHECK_THAT(error, Catch::Contains("unknown root \"spec\""));
  CHECK_FALSE(parsePath("object.spec[", p, error));
  CHECK_FALSE(parsePath("object.spec[x]", p, error));
  CHECK_FALSE(parsePath(R"(object.metadata["unterminated)", p, error));
  CHECK_FALSE(parsePath("pod.allContainers.image", p, error));
  CHECK_THAT(error, Catch::Contains("allContainers"));
  CHECK_FALSE(parsePath("object..x", p, error));
}

TEST_CASE("allContainers reaches containers, init and ephemeral containers in order") {
  Value pod = yaml(kPod);
  CHECK(read("pod.allContainers[*].image", pod) ==
        std::vector<std::string>{"a=x:1", "b=y:2", "init=z:3", "debug=d:4"});
  CHECK(read("pod.containers[*].image", pod) == std::vector<std::string>{"a=x:1", "b=y:2"});
  CHECK(read("pod.allContainers[2].name", pod) == std::vector<std::string>{"init=init"});
  CHECK(read("pod.allContainers[name=debug].image", pod) == std::vector<std::string>{"debug=d:4"});
}

TEST_CASE("a kept container list is found by the first read and read by the next ones") {
  Value pod = yaml(kPod);
  ContainerList kept;
  CHECK(read("pod.allContainers[*].name", pod, &kept) ==
        std::vector<std::string>{"a=a", "b=b", "init=init", "debug=debug"});
  REQUIRE(kept.found);
  REQUIRE(kept.containers.size() == 4);
  // What the next read sees is the list, not the pod found again.
  kept.containers.pop_back();
  CHECK(read("pod.allContainers[*].image", pod, &kept) ==
        std::vector<std::string>{"a=x:1", "b=y:2", "init=z:3"});
  // pod.containers is not pod.allContainers: read from the pod itself.
  CHECK(read("pod.containers[*].name", pod, &kept) == std::vector<std::string>{"a=a", "b=b"});
}

TEST_CASE("missing values are slots without a value, wildcards below them reach nothing") {
  Value pod = yaml(kPod);
  CHECK(read(R"(pod.containers[*].resources.limits["nvidia.com/gpu"])", pod) ==
        std::vector<std::string>{"a=1", "b=<absent>"});
  CHECK(read("pod.nodeSelector.zone", pod) == std::vector<std::string>{"-=<absent>"});
  CHECK(read("pod.volumes[*].name", pod).empty());
  CHECK(read("pod.containers[9].name", pod) == std::vector<std::string>{"-=<absent>"});
  CHECK(read("pod.containers[name=zzz].name", pod) == std::vector<std::string>{"-=<absent>"});
}

TEST_CASE("[*] on a map reaches every member value and remembers its key") {
  Value meta = yaml(R"({annotations: {a.example.com/x: "1", b.example.com/y: "2"}})");
  Path p;
  std::string error;
  REQUIRE(parsePath("podMetadata.annotations[*]", p, error));
  PathRoots roots;
  roots.podMetadata = &meta;
  Slots slots;
  readPath(p, roots, slots);
  REQUIRE(slots.size() == 2);
  REQUIRE(slots[0].key);
  CHECK(*slots[0].key == "a.example.com/x");
  CHECK(slots[0].value->scalarText() == "1");
  CHECK(*slots[1].key == "b.example.com/y");
  CHECK(slots[1].value->scalarText() == "2");
  // An empty map, or no map at all, reaches nothing.
  Value empty = yaml("{annotations: {}}");
  roots.podMetadata = &empty;
  slots.clear();
  readPath(p, roots, slots);
  CHECK(slots.empty());
  roots.podMetadata = nullptr;
  readPath(p, roots, slots);
  CHECK(slots.empty());
}

TEST_CASE("cluster, element and elementKey are roots") {
  Path p;
  std::string error;
  REQUIRE(parsePath("cluster.nodes", p, error));
  CHECK(p.root == Root::Cluster);
  REQUIRE(parsePath("element.type", p, error));
  CHECK(p.root == Root::Element);
  REQUIRE(parsePath("elementKey", p, error));
  CHECK(p.root == Root::ElementKey);
  CHECK(p.segments.empty());
  CHECK_FALSE(parsePath("elements.type", p, error));
  CHECK(error.find("cluster, element, elementKey") != std::string::npos);

  Value cluster = yaml("{nodes: 120, workloads: 2000}");
  PathRoots roots;
  roots.cluster = &cluster;
  Slots slots;
  REQUIRE(parsePath("cluster.workloads", p, error));
  readPath(p, roots, slots);
  REQUIRE(slots.size() == 1);
  CHECK(slots[0].value->scalarText() == "2000");
}

TEST_CASE("a stage's roots forget the containers they kept when the object may have changed") {
  Value object = yaml(std::string("spec:\n") + R"(
  containers: [{name: a, image: "x:1"}]
)");
  Settings settings;
  AdmissionRequest req;
  req.kind = "Pod";
  req.object = &object;
  TemplateRoots templates(settings, req, &object);
  Path p;
  std::string error;
  REQUIRE(parsePath("pod.allContainers[*].name", p, error));
  CHECK(read(p, templates.roots(0)) == std::vector<std::string>{"a=a"});
  CHECK(read(p, templates.roots(0)) == std::vector<std::string>{"a=a"});
  // A rule adds an init container: after invalidate(), the next read finds it.
  object["spec"]["initContainers"].push(yaml("{name: init, image: 'z:3'}"));
  templates.invalidate();
  CHECK(read(p, templates.roots(0)) == std::vector<std::string>{"a=a", "init=init"});
}

TEST_CASE("the two common shapes read what the general walk reads") {
  // A pod with every case the direct loops must get right: a field missing in one container, a
  // scalar where an object is expected, null, an init and an ephemeral container.
  Value pod = yaml(R"(
hostNetwork: true
securityContext: {runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
containers:
  - {name: a, securityContext: {privileged: true, capabilities: {drop: [ALL]}}}
  - {name: b, securityContext: "not an object"}
  - {name: c, securityContext: null}
initContainers:
  - {name: init, securityContext: {privileged: false}}
ephemeralContainers:
  - {name: debug}
)");
  Value meta = yaml(R"({labels: {app: web}})");
  struct Case {
    const char* path;
    Path::Shape shape;
  };
  const Case cases[] = {
      {"pod.hostNetwork", Path::Shape::Fields},
      {"pod.securityContext.seccompProfile.type", Path::Shape::Fields},
      {"pod.securityContext.runAsUser.x", Path::Shape::Fields},
      {"pod.missing.deeper", Path::Shape::Fields},
      {R"(podMetadata.labels["app"])", Path::Shape::Fields},
      {"elementKey", Path::Shape::Fields},
      {"pod.allContainers[*].securityContext.privileged", Path::Shape::ContainerFields},
      {"pod.allContainers[*].securityContext.capabilities.drop", Path::Shape::ContainerFields},
      {"pod.allContainers[*].name", Path::Shape::ContainerFields},
      {"pod.allContainers[*]", Path::Shape::ContainerFields},
      {"pod.allContainers[0].name", Path::Shape::General},
      {"pod.containers[*].name", Path::Shape::General},
      {"pod.allContainers[*].securityContext.capabilities.drop[*]", Path::Shape::General},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    Path p;
    std::string error;
    REQUIRE(parsePath(c.path, p, error));
    CHECK(p.shape == c.shape);
    const Value* podRoots[] = {&pod, nullptr};  // and a review with no pod
    for (const Value* podRoot : podRoots) {
      PathRoots roots;
      roots.pod = podRoot;
      roots.podMetadata = &meta;
      Slots direct, walked;
      readPath(p, roots, direct);
      Path general = p;
      general.shape = Path::Shape::General;
      readPath(general, roots, walked);
      REQUIRE(direct.size() == walked.size());
      for (std::size_t i = 0; i < direct.size(); ++i) {
        CHECK(direct[i].value == walked[i].value);
        CHECK(direct[i].container == walked[i].container);
        CHECK(direct[i].key == walked[i].key);
      }
    }
  }
  // And they are what a rule expects: one slot per container, absent where a field is missing.
  CHECK(read("pod.allContainers[*].securityContext.privileged", pod) ==
        std::vector<std::string>{"a=true", "b=<absent>", "c=<absent>", "init=false",
                                 "debug=<absent>"});
}
