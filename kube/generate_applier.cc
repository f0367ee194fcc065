#include "kube/generate_applier.h"

#include <algorithm>

#include "json/parse.h"
#include "json/write.h"

namespace billet::kube {

namespace {

bool retryable(int status) {
  return status == 0 || status == 404 || status == 409 || status == 429 || status >= 500;
}

std::string stringAt(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  return found && found->isString() ? std::string(found->asString()) : "";
}

std::string firstLine(std::string s) {
  if (const std::size_t nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  if (s.size() > 200) s.resize(200);
  return s;
}

}  // namespace

GenerateApplier::GenerateApplier(KubeClient client, OutcomeCounter count, base::Logger& logger,
                                 Options options)
    : client_(std::move(client)), count_(std::move(count)), logger_(logger), options_(options) {
  worker_.start("generate-apply", [this](base::Worker& w) { run(w); });
}

GenerateApplier::~GenerateApplier() {
  stop();
}

bool GenerateApplier::enqueue(ApplyJob job) {
  const std::string kind = stringAt(job.object, {"kind"});
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!worker_.stopping() && queue_.size() < options_.maxQueue) {
      queue_.push_back(std::move(job));
      worker_.wake();
      return true;
    }
  }
  count_(kind, "dropped");
  logger_.warn("generated object dropped: the apply queue is full",
               {{"kind", kind}, {"name", stringAt(job.object, {"metadata", "name"})}});
  return false;
}

void GenerateApplier::stop() {
  worker_.stop();
}

std::optional<ApplyJob> GenerateApplier::next() {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return std::nullopt;
  std::optional<ApplyJob> job(std::move(queue_.front()));
  queue_.pop_front();
  return job;
}

void GenerateApplier::run(base::Worker& worker) {
  while (!worker.stopping()) {
    std::optional<ApplyJob> job = next();
    if (job)
      applyOne(*job);
    else if (!worker.wait())  // until enqueue() wakes it
      return;
  }
}

template <class Call>
KubeResponse GenerateApplier::withRetries(Call&& call) {
  std::chrono::milliseconds delay = options_.backoff;
  KubeResponse r;
  for (int attempt = 1;; ++attempt) {
    r = call();
    if (!retryable(r.status) || attempt >= options_.attempts) return r;
    if (!worker_.sleepFor(delay)) return r;  // an enqueue() does not cut the backoff short
    delay = std::min(delay * 2, options_.maxBackoff);
  }
}

void GenerateApplier::applyOne(ApplyJob& job) {
  const std::string kind = stringAt(job.object, {"kind"});
  const std::string name = stringAt(job.object, {"metadata", "name"});
  const std::string ns = stringAt(job.object, {"metadata", "namespace"});
  auto fail = [&](std::string_view why, const KubeResponse& r) {
    count_(kind, "failed");
    logger_.error("cannot apply generated object", {{"kind", kind},
                                                    {"namespace", ns},
                                                    {"name", name},
                                                    {"why", why},
                                                    {"status", r.status},
                                                    {"error", firstLine(r.body)}});
  };
  const std::string target = resourcePath(stringAt(job.object, {"apiVersion"}), kind, ns, name);
  const std::string ownerPath = resourcePath(job.ownerApiVersion, job.ownerKind, ns, job.ownerName);
  if (ns.empty() || target.empty() || ownerPath.empty()) return fail("not a valid object name", {});

  if (job.ownerUid.empty()) {
    const KubeResponse owner = withRetries([&] { return client_.get(ownerPath); });
    if (owner.status != 200) return fail("owner not found", owner);
    const base::Result<json::Value> parsed = json::parse(owner.body);
    if (parsed.ok()) job.ownerUid = stringAt(parsed.value, {"metadata", "uid"});
    if (job.ownerUid.empty()) return fail("owner has no metadata.uid", owner);
  }
  json::Value ref = json::Value::object();
  ref.set("apiVersion", json::Value::string(job.ownerApiVersion));
  ref.set("kind", json::Value::string(job.ownerKind));
  ref.set("name", json::Value::string(job.ownerName));
  ref.set("uid", json::Value::string(job.ownerUid));
  ref.set("controller", json::Value::boolean(true));
  job.object["metadata"].set("ownerReferences", json::Value::array({std::move(ref)}));
  const std::string body = json::write(job.object);

  const KubeResponse applied =
      withRetries([&] { return client_.apply(target + "?fieldManager=billet&force=true", body); });
  if (applied.status != 200 && applied.status != 201) return fail("apply rejected", applied);
  count_(kind, "applied");
  logger_.info("generated object applied", {{"kind", kind}, {"namespace", ns}, {"name", name}});
}

}  // namespace billet::kube
