#include "report/policy_report.h"

#include <chrono>
#include <cstdlib>

namespace billet::report {

using json::Value;

namespace {

Value str(const std::string& s) {
  return Value::string(s);
}
Value num(std::uint64_t n) {
  return Value::number(static_cast<std::int64_t>(n));
}

Value resourceValue(const ResourceRef& r) {
  Value v = Value::object();
  if (!r.apiVersion.empty()) v.set("apiVersion", str(r.apiVersion));
  v.set("kind", str(r.kind));
  v.set("name", str(r.name));
  if (!r.namespace_.empty()) v.set("namespace", str(r.namespace_));
  if (!r.uid.empty()) v.set("uid", str(r.uid));
  return v;
}

Value findingValueOf(const Finding& f) {
  Value v = Value::object();
  v.set("source", str("billet"));
  v.set("policy", str(f.policy));
  v.set("rule", str(f.rule));
  v.set("resources", Value::array({resourceValue(f.resource)}));
  if (!f.message.empty()) v.set("message", str(f.message));
  v.set("result", str(std::string(policy::name(f.outcome))));
  v.set("severity", str(f.severity.empty() ? "medium" : f.severity));
  if (!f.category.empty()) v.set("category", str(f.category));
  if (!f.properties.empty()) {
    Value& props = v["properties"];
    for (const auto& [key, value] : f.properties) props.set(key, str(value));
  }
  Value& ts = v["timestamp"];
  ts.set("seconds", Value::number(f.time.seconds));
  ts.set("nanos", Value::number(static_cast<std::int64_t>(f.time.nanos)));
  return v;
}

}  // namespace

Value policyReportResult(const Finding& finding) {
  return findingValueOf(finding);
}

Timestamp Timestamp::now() {
  const auto since = std::chrono::system_clock::now().time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs);
  return {secs.count(), static_cast<std::int32_t>(nanos.count())};
}

void Counts::add(policy::Outcome outcome, std::uint64_t n) {
  switch (outcome) {
    case policy::Outcome::Pass:
      pass += n;
      break;
    case policy::Outcome::Fail:
      fail += n;
      break;
    case policy::Outcome::Warn:
      warn += n;
      break;
    case policy::Outcome::Error:
      error += n;
      break;
    case policy::Outcome::Skip:
      skip += n;
      break;
  }
}

Value policyReport(const std::string& namespace_, const Counts& summary,
                   const std::vector<Finding>& results) {
  const bool cluster = namespace_.empty();
  Value doc = Value::object();
  doc.set("apiVersion", str("wgpolicyk8s.io/v1alpha2"));
  doc.set("kind", str(cluster ? "ClusterPolicyReport" : "PolicyReport"));
  Value& meta = doc["metadata"];
  meta.set("name", str(cluster ? "billet-cluster" : "billet-" + namespace_));
  if (!cluster) meta.set("namespace", str(namespace_));
  meta["labels"].set("app.kubernetes.io/managed-by", str("billet"));
  Value& s = doc["summary"];
  s.set("pass", num(summary.pass));
  s.set("fail", num(summary.fail));
  s.set("warn", num(summary.warn));
  s.set("error", num(summary.error));
  s.set("skip", num(summary.skip));
  json::Array items;
  items.reserve(results.size());
  for (const Finding& f : results) items.push_back(findingValueOf(f));
  doc.set("results", Value::array(std::move(items)));
  return doc;
}

std::vector<Value> mergePolicyReports(std::vector<Value> first, std::vector<Value> second) {
  auto key = [](const Value& doc) {
    const Value* meta = doc.find("metadata");
    const Value* ns = meta ? meta->find("namespace") : nullptr;
    const Value* name = meta ? meta->find("name") : nullptr;
    return (ns && ns->isString() ? std::string(ns->asString()) : "") + "/" +
           (name && name->isString() ? std::string(name->asString()) : "");
  };
  for (Value& doc : second) {
    Value* into = nullptr;
    for (Value& d : first)
      if (key(d) == key(doc)) into = &d;
    if (!into) {
      first.push_back(std::move(doc));
      continue;
    }
    if (const Value* s = doc.find("summary"); s && s->isObject()) {
      Value& sum = (*into)["summary"];
      for (const auto& [field, n] : s->asObject()) {
        const Value* had = sum.find(field);
        const long long a =
            had && had->isNumber() ? std::atoll(std::string(had->asNumberText()).c_str()) : 0;
        const long long b = n.isNumber() ? std::atoll(std::string(n.asNumberText()).c_str()) : 0;
        sum.set(field, Value::number(static_cast<std::int64_t>(a + b)));
      }
    }
    if (Value* r = doc.find("results"); r && r->isArray())
      for (Value& item : r->asArray()) (*into)["results"].push(std::move(item));
    if (const Value* labels = json::dig(doc, {"metadata", "labels"}); labels && labels->isObject())
      for (const auto& [k, v] : labels->asObject()) (*into)["metadata"]["labels"].set(k, v);
  }
  return first;
}

}  // namespace billet::report
