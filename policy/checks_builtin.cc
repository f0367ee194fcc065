// Built-in validate checks: resources, QoS, limits, registries, tags, replicas.
#include <initializer_list>
#include <string>
#include <string_view>

#include "policy/checks.h"
#include "policy/image_ref.h"
#include "policy/quantity.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

const json::Value* resourceValue(const json::Value& c, const char* list, const std::string& key) {
  const json::Value* l = dig(c, {"resources", list});
  const json::Value* v = l ? l->find(key) : nullptr;
  return v && !v->isNull() ? v : nullptr;
}

// `container "NAME"` and then `parts`, built in one string: the checks' messages (a review of a
// pod that misses its requests builds a few, and the temporaries of `+` cost more than the check).
std::string containerSays(const std::string& name, std::initializer_list<std::string_view> parts) {
  std::size_t size = name.size() + 12;
  for (std::string_view p : parts) size += p.size();
  std::string m;
  m.reserve(size);
  m.append("container \"").append(name).append("\"");
  for (std::string_view p : parts) m.append(p);
  return m;
}

// Adds `list.key` to a comma-separated list of what is missing.
void addMissing(std::string& missing, std::string_view list, std::string_view key) {
  if (missing.empty())
    missing.reserve(64);  // most containers that miss one miss several: grown once
  else
    missing.append(", ");
  missing.append(list).append(".").append(key);
}

class RequireResourcesCheck final : public Check {
 public:
  RequireResourcesCheck(std::vector<std::string> r, std::vector<std::string> l)
      : requests_(std::move(r)), limits_(std::move(l)) {}
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    forEachContainer(ctx.roots.pod, ctx.roots.podLayout, true, false, [&](const json::Value& c) {
      if (ctx.shouldStop()) return;
      std::string missing;
      for (const std::string& k : requests_)
        if (!resourceValue(c, "requests", k)) addMissing(missing, "requests", k);
      for (const std::string& k : limits_)
        if (!resourceValue(c, "limits", k)) addMissing(missing, "limits", k);
      if (missing.empty()) return;
      std::string name = containerName(c, ctx.roots);
      std::string message = containerSays(name, {" must set ", missing});
      out.push_back({std::move(message), std::move(name), std::move(missing), "resources"});
    });
  }

 private:
  std::vector<std::string> requests_, limits_;
};

class GuaranteedQoSCheck final : public Check {
 public:
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    forEachContainer(ctx.roots.pod, ctx.roots.podLayout, true, false, [&](const json::Value& c) {
      if (ctx.shouldStop()) return;
      for (const char* k : {"cpu", "memory"}) {
        const json::Value* lim = resourceValue(c, "limits", k);
        const json::Value* req = resourceValue(c, "requests", k);
        if (!req) req = lim;  // Kubernetes defaults a missing request to the limit
        bool ok = lim && req && lim->isScalar() && req->isScalar();
        if (ok) {
          auto a = Quantity::parse(lim->scalarText());
          auto b = Quantity::parse(req->scalarText());
          ok = a && b && compare(*a, *b) == 0;
        }
        if (!ok) {
          std::string name = containerName(c, ctx.roots);
          std::string message = containerSays(
              name, {" is not Guaranteed QoS: requests.", k, " must equal limits.", k});
          out.push_back({std::move(message), std::move(name),
                         req && req->isScalar() ? req->scalarText() : "", k});
          return;
        }
      }
    });
  }
};

class MaxResourcesCheck final : public Check {
 public:
  explicit MaxResourcesCheck(std::vector<std::pair<std::string, std::string>> max) {
    for (auto& [k, v] : max) max_.push_back({k, v, *Quantity::parse(v)});
  }
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    forEachContainer(ctx.roots.pod, ctx.roots.podLayout, true, false, [&](const json::Value& c) {
      if (ctx.shouldStop()) return;
      for (const Max& m : max_) {
        for (const char* list : {"requests", "limits"}) {
          const json::Value* v = resourceValue(c, list, m.key);
          if (!v || !v->isScalar()) continue;
          auto q = Quantity::parse(v->scalarText());
          if (!q) {
            ctx.error =
                containerSays(containerName(c, ctx.roots),
                              {": ", list, ".", m.key, " ", v->scalarText(), " is not a quantity"});
            return;
          }
          if (compare(*q, m.max) > 0) {
            std::string name = containerName(c, ctx.roots);
            std::string value = v->scalarText();
            std::string message = containerSays(
                name, {" ", list, ".", m.key, " ", value, " exceeds the maximum ", m.text});
            out.push_back({std::move(message), std::move(name), std::move(value),
                           std::string(list) + "." + m.key});
            return;
          }
        }
      }
    });
  }

 private:
  struct Max {
    std::string key, text;
    Quantity max;
  };
  std::vector<Max> max_;
};

class AllowedRegistriesCheck final : public Check {
 public:
  explicit AllowedRegistriesCheck(std::vector<std::string> g) : globs_(std::move(g)) {}
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    forEachContainer(ctx.roots.pod, ctx.roots.podLayout, true, true, [&](const json::Value& c) {
      if (ctx.shouldStop()) return;
      const json::Value* img = c.find("image");
      const json::Text* text = img ? img->ifString() : nullptr;
      std::string image = text ? text->str() : "";
      if (imageMatchAny(globs_, image)) return;
      std::string name = containerName(c, ctx.roots);
      std::string message =
          containerSays(name, {" image \"", image, "\" is not from an allowed registry"});
      out.push_back({std::move(message), std::move(name), std::move(image), "image"});
    });
  }

 private:
  std::vector<std::string> globs_;
};

class ForbidLatestTagCheck final : public Check {
 public:
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    forEachContainer(ctx.roots.pod, ctx.roots.podLayout, true, true, [&](const json::Value& c) {
      if (ctx.shouldStop()) return;
      const json::Value* img = c.find("image");
      const json::Text* text = img ? img->ifString() : nullptr;
      if (!text) return;
      const std::string_view image = *text;
      if (image.find('@') != std::string::npos) return;  // pinned by digest
      std::size_t slash = image.rfind('/');
      std::size_t colon = image.rfind(':');
      bool hasTag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
      if (hasTag && image.substr(colon + 1) != "latest") return;
      std::string name = containerName(c, ctx.roots);
      std::string message = containerSays(
          name, {" image \"", image, hasTag ? "\" uses the latest tag" : "\" has no tag (latest)"});
      out.push_back({std::move(message), std::move(name), std::string(image), "image"});
    });
  }
};

class MinReplicasCheck final : public Check {
 public:
  explicit MinReplicasCheck(std::int64_t min) : min_(min) {}
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    const std::string& k = ctx.request.kind;
    if (k != "Deployment" && k != "StatefulSet" && k != "ReplicaSet" &&
        k != "ReplicationController")
      return;
    std::int64_t r = effectiveReplicas(ctx.object, ctx.request, ctx.settings.facts.get());
    if (r < min_)
      out.push_back(
          {"replicas " + std::to_string(r) + " is below the minimum " + std::to_string(min_), "",
           std::to_string(r), "spec.replicas"});
  }

 private:
  std::int64_t min_;
};

}  // namespace

std::unique_ptr<const Check> makeRequireResources(std::vector<std::string> r,
                                                  std::vector<std::string> l) {
  return std::make_unique<RequireResourcesCheck>(std::move(r), std::move(l));
}
std::unique_ptr<const Check> makeGuaranteedQoS() {
  return std::make_unique<GuaranteedQoSCheck>();
}
std::unique_ptr<const Check> makeMaxResources(std::vector<std::pair<std::string, std::string>> m) {
  return std::make_unique<MaxResourcesCheck>(std::move(m));
}
std::unique_ptr<const Check> makeAllowedRegistries(std::vector<std::string> g) {
  return std::make_unique<AllowedRegistriesCheck>(std::move(g));
}
std::unique_ptr<const Check> makeForbidLatestTag() {
  return std::make_unique<ForbidLatestTagCheck>();
}
std::unique_ptr<const Check> makeMinReplicas(std::int64_t m) {
  return std::make_unique<MinReplicasCheck>(m);
}

}  // namespace billet::policy
