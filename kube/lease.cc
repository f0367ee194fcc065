#include "kube/lease.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "json/parse.h"
#include "json/write.h"

namespace billet::kube {

namespace {

// A MicroTime as the API server writes it: "2026-01-02T03:04:05.123456Z".
std::string microTimeNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          now - std::chrono::system_clock::from_time_t(t))
                          .count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06ldZ", buf, static_cast<long>(micros));
  return out;
}

std::string stringAt(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  return found && found->isString() ? std::string(found->asString()) : "";
}

long long numberAt(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  if (!found || !found->isNumber()) return 0;
  return std::atoll(std::string(found->asNumberText()).c_str());
}

std::string firstLine(const std::string& body) {
  std::string s = body.substr(0, body.find('\n'));
  if (s.size() > 200) s.resize(200);
  return s;
}

}  // namespace

std::string leaseIdentity() {
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) return pod;
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || !*host)
    std::snprintf(host, sizeof host, "billet");
  return std::string(host) + "_" + std::to_string(::getpid());
}

LeaseElector::LeaseElector(KubeClient client, Options options, base::Logger& logger,
                           std::function<void(bool)> onChange)
    : client_(std::move(client)),
      options_(std::move(options)),
      logger_(logger),
      onChange_(std::move(onChange)) {
  worker_.start("lease", [this](base::Worker& w) { run(w); });
}

LeaseElector::~LeaseElector() {
  stop();
}

void LeaseElector::stop() {
  worker_.stop();
}

void LeaseElector::setLeading(bool now) {
  if (leading_.exchange(now, std::memory_order_acq_rel) == now) return;
  if (now)
    logger_.always(
        base::LogLevel::kInfo, "leading: this replica writes PolicyReports",
        {{"lease", options_.namespace_ + "/" + options_.name}, {"identity", options_.identity}});
  else
    logger_.always(
        base::LogLevel::kInfo, "no longer leading",
        {{"lease", options_.namespace_ + "/" + options_.name}, {"identity", options_.identity}});
  if (onChange_) onChange_(now);
}

void LeaseElector::run(base::Worker& worker) {
  for (;;) {
    const bool held = tryAcquireOrRenew();
    const auto now = std::chrono::steady_clock::now();
    if (held) {
      lastRenewed_ = now;
      setLeading(true);
    } else if (leading() && now - lastRenewed_ > options_.renewDeadline) {
      // Not renewed in time: another replica may take over once the lease duration passes;
      // stop writing before it can.
      setLeading(false);
    }
    if (!worker.sleepFor(options_.retryPeriod)) break;
  }
  if (leading()) release();
  setLeading(false);
}

bool LeaseElector::tryAcquireOrRenew() {
  const std::string collection =
      "/apis/coordination.k8s.io/v1/namespaces/" + options_.namespace_ + "/leases";
  const std::string path = collection + "/" + options_.name;
  const std::string now = microTimeNow();
  const KubeResponse got = client_.get(path);
  if (got.status == 404) {
    json::Value lease = json::Value::object();
    lease.set("apiVersion", json::Value::string("coordination.k8s.io/v1"));
    lease.set("kind", json::Value::string("Lease"));
    lease["metadata"].set("name", json::Value::string(options_.name));
    lease["metadata"].set("namespace", json::Value::string(options_.namespace_));
    json::Value& spec = lease["spec"];
    spec.set("holderIdentity", json::Value::string(options_.identity));
    spec.set("leaseDurationSeconds", json::Value::number(options_.leaseDuration.count()));
    spec.set("acquireTime", json::Value::string(now));
    spec.set("renewTime", json::Value::string(now));
    spec.set("leaseTransitions", json::Value::number(0));
    const KubeResponse created = client_.send("POST", collection, json::write(lease));
    if (created.status == 201 || created.status == 200) return true;
    if (created.status != 409)  // 409: another replica created it first
      logger_.warn("cannot create the Lease",
                   {{"status", created.status}, {"error", firstLine(created.body)}});
    return false;
  }
  if (got.status != 200) {
    if (got.status == 403 && !loggedForbidden_) {
      logger_.error("cannot read the Lease: billet's Role must allow get/create/update on leases",
                    {{"path", path}, {"error", firstLine(got.body)}});
      loggedForbidden_ = true;
    } else if (got.status != 403) {
      logger_.warn("cannot read the Lease",
                   {{"status", got.status}, {"error", firstLine(got.body)}});
    }
    return false;
  }
  auto doc = json::parse(got.body);
  if (!doc.ok()) return false;
  json::Value lease = std::move(doc.value);
  const std::string holder = stringAt(lease, {"spec", "holderIdentity"});
  const std::string renew = stringAt(lease, {"spec", "renewTime"});
  long long duration = numberAt(lease, {"spec", "leaseDurationSeconds"});
  if (duration <= 0) duration = options_.leaseDuration.count();
  const auto steadyNow = std::chrono::steady_clock::now();
  if (holder != observedHolder_ || renew != observedRenew_ ||
      observedAt_ == decltype(observedAt_){}) {
    observedHolder_ = holder;
    observedRenew_ = renew;
    observedAt_ = steadyNow;
  }
  const bool mine = holder == options_.identity;
  const bool expired = steadyNow - observedAt_ > std::chrono::seconds(duration);
  if (!mine && !holder.empty() && !expired) return false;  // someone else leads

  json::Value& spec = lease["spec"];
  if (!mine) {
    spec.set("holderIdentity", json::Value::string(options_.identity));
    spec.set("acquireTime", json::Value::string(now));
    spec.set("leaseTransitions",
             json::Value::number(numberAt(lease, {"spec", "leaseTransitions"}) + 1));
  }
  spec.set("leaseDurationSeconds", json::Value::number(options_.leaseDuration.count()));
  spec.set("renewTime", json::Value::string(now));
  // The body keeps metadata.resourceVersion: an update from a stale read is refused (409).
  const KubeResponse put = client_.send("PUT", path, json::write(lease));
  if (put.status == 200) {
    if (!mine)
      logger_.info("Lease acquired", {{"previousHolder", holder}, {"identity", options_.identity}});
    observedHolder_ = options_.identity;
    observedRenew_ = now;
    observedAt_ = steadyNow;
    return true;
  }
  if (put.status != 409)
    logger_.warn("cannot update the Lease",
                 {{"status", put.status}, {"error", firstLine(put.body)}});
  return false;
}

void LeaseElector::release() {
  const std::string path =
      "/apis/coordination.k8s.io/v1/namespaces/" + options_.namespace_ + "/leases/" + options_.name;
  const KubeResponse got = client_.get(path);
  if (got.status != 200) return;
  auto doc = json::parse(got.body);
  if (!doc.ok() || stringAt(doc.value, {"spec", "holderIdentity"}) != options_.identity) return;
  json::Value& spec = doc.value["spec"];
  // As client-go releases: no holder, and a one-second duration, so the next replica takes it
  // at its next try.
  spec.set("holderIdentity", json::Value::string(""));
  spec.set("leaseDurationSeconds", json::Value::number(1));
  spec.set("renewTime", json::Value::string(microTimeNow()));
  const KubeResponse put = client_.send("PUT", path, json::write(doc.value));
  if (put.status == 200)
    logger_.info("Lease released", {{"identity", options_.identity}});
  else
    logger_.warn("cannot release the Lease",
                 {{"status", put.status}, {"error", firstLine(put.body)}});
}

}  // namespace billet::kube
