// `minStartupSeconds: N`: a container with a liveness probe must have a startup probe that
// gives it at least N seconds to start. The kubelet runs liveness only once the startup probe has
// succeeded, and gives up on the startup probe after
//   initialDelaySeconds + failureThreshold x periodSeconds
// (defaults 0, 3 and 10). Without a startup probe the liveness probe starts at once and kills a
// container that is still loading (a model, a cache) after its own such budget.
#include <charconv>
#include <limits>

#include "policy/checks.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

struct Budget {
  std::int64_t delay = 0, threshold = 3, period = 10;
  // Saturates: the timings come from the request and may be anywhere up to 2^63 - 1; a budget
  // past that is larger than any minimum, not a wrapped (negative) number.
  std::int64_t seconds() const {
    std::int64_t product = 0, sum = 0;
    if (__builtin_mul_overflow(threshold, period, &product) ||
        __builtin_add_overflow(delay, product, &sum))
      return std::numeric_limits<std::int64_t>::max();
    return sum;
  }
  std::string text() const {
    return std::to_string(threshold) + "x" + std::to_string(period) + "s+" + std::to_string(delay) +
           "s";
  }
};

// One probe field: the Kubernetes default when absent, nullopt when it is not an integer.
std::optional<std::int64_t> field(const json::Value& probe, const char* key, std::int64_t dflt) {
  const json::Value* v = probe.find(key);
  if (!v || v->isNull()) return dflt;
  const json::Text* text = v->ifNumberText();
  if (!text) return std::nullopt;
  const std::string_view t = *text;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || p != t.data() + t.size() || n < 0) return std::nullopt;
  return n;
}

std::optional<Budget> budgetOf(const json::Value& probe) {
  auto d = field(probe, "initialDelaySeconds", 0);
  auto f = field(probe, "failureThreshold", 3);
  auto p = field(probe, "periodSeconds", 10);
  if (!d || !f || !p) return std::nullopt;
  return Budget{*d, *f, *p};
}

class MinStartupSecondsCheck final : public Check {
 public:
  explicit MinStartupSecondsCheck(std::int64_t min) : min_(min) {}
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    // Probes run on containers only (init containers and ephemeral containers have none that
    // can kill a running workload, sidecars aside).
    forEachContainer(ctx.roots.pod, ctx.roots.podLayout, false, false, [&](const json::Value& c) {
      if (ctx.shouldStop()) return;
      const json::Value* live = c.find("livenessProbe");
      if (!live || !live->isObject()) return;
      std::string name = containerName(c, ctx.roots);
      const json::Value* start = c.find("startupProbe");
      bool hasStartup = start && start->isObject();
      auto budget = budgetOf(hasStartup ? *start : *live);
      if (!budget) {
        ctx.error = "container \"" + name +
                    "\": " + (hasStartup ? "startupProbe" : "livenessProbe") +
                    " timings are not non-negative integers";
        return;
      }
      std::int64_t s = budget->seconds();
      if (hasStartup && s >= min_) return;
      std::string need = std::to_string(min_) + "s";
      std::string msg =
          "container \"" + name + "\" " +
          (hasStartup ? "startup probe allows " + std::to_string(s) + "s (" + budget->text() +
                            "), needs " + need
                      : "has no startup probe: liveness kills it after " + std::to_string(s) +
                            "s (" + budget->text() + "), needs " + need);
      out.push_back({msg, name, std::to_string(s), hasStartup ? "startupProbe" : "livenessProbe"});
    });
  }

 private:
  std::int64_t min_;
};

}  // namespace

std::unique_ptr<const Check> makeMinStartupSeconds(std::int64_t min) {
  return std::make_unique<MinStartupSecondsCheck>(min);
}

}  // namespace billet::policy
