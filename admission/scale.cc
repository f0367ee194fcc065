#include "admission/scale.h"

#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "admission/evaluation.h"
#include "policy/engine.h"
#include "policy/policy_set.h"

namespace billet::admission {
namespace {

using json::Value;

std::string stringAt(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* found = json::dig(v, keys);
  return found && found->isString() ? std::string(found->asString()) : std::string();
}

// Warnings are at most 120 bytes (SPEC §2): cut without splitting a UTF-8 sequence, marked.
std::string warning(std::string s) {
  if (s.size() <= 120) return s;
  std::size_t cut = 117;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

// The workload as it will be stored: `workload` with spec.replicas set to `replicas`.
Value withReplicas(const Value& workload, const Value& replicas) {
  Value out = workload;
  out["spec"]["replicas"] = replicas;
  return out;
}

// The request an UPDATE of the workload would be: the scale's user, uid and dry run.
policy::AdmissionRequest workloadRequest(const policy::AdmissionRequest& scale,
                                         const ScaleTarget& target, const Value* object,
                                         const Value* oldObject) {
  policy::AdmissionRequest r;
  r.uid = scale.uid;
  const std::size_t slash = target.apiVersion.find('/');
  r.group = target.apiVersion.substr(0, slash);
  r.version = target.apiVersion.substr(slash + 1);
  r.kind = target.kind;
  r.namespace_ = target.namespace_;
  r.name = target.name;
  r.operation = policy::Operation::Update;
  r.username = scale.username;
  r.groups = scale.groups;
  r.dryRun = scale.dryRun;
  r.object = object;
  r.oldObject = oldObject;
  r.request = scale.request;
  return r;
}

using ChangeKey = std::tuple<std::string, std::string, std::string, std::string>;

ChangeKey keyOf(const policy::Change& c) {
  return {c.policy, c.rule, c.op, c.pointer};
}

// "scaled to 3 replicas; on its next update, ha/anti-affinity would add /spec/template/...":
// one warning per mutate rule that changes the workload at the new replica count and did not
// at the old one (a change it needed anyway is not the scale's doing).
std::vector<std::string> templateWarnings(const std::vector<policy::Change>& now,
                                          const std::vector<policy::Change>& before,
                                          const std::string& replicas) {
  std::set<ChangeKey> old;
  for (const policy::Change& c : before) old.insert(keyOf(c));
  std::vector<std::pair<std::string, std::string>> rules;  // policy/rule -> "add /a, add /b"
  for (const policy::Change& c : now) {
    if (old.count(keyOf(c))) continue;
    const std::string rule = c.policy + "/" + c.rule;
    if (rules.empty() || rules.back().first != rule) rules.emplace_back(rule, "");
    std::string& what = rules.back().second;
    what += (what.empty() ? "" : ", ") + c.op + " " + c.pointer;
  }
  std::vector<std::string> out;
  for (const auto& [rule, what] : rules)
    out.push_back(warning("scaled to " + replicas + " replicas; on its next update, " + rule +
                          " would " + what));
  return out;
}

AdmissionReply replyFor(const Review& review, const ScaleTarget& target) {
  AdmissionReply reply;
  reply.kind = target.kind;
  reply.apiVersion = target.apiVersion;
  reply.operation = "UPDATE";
  reply.uid = review.request.uid;
  reply.namespace_ = target.namespace_;
  reply.name = target.name;
  reply.dryRun = review.request.dryRun;
  return reply;
}

}  // namespace

std::optional<ScaleTarget> scaleTarget(const Review& review) {
  const policy::AdmissionRequest& req = review.request;
  if (req.subResource != "scale" || req.operation != policy::Operation::Update || !req.request)
    return std::nullopt;
  const Value* resource = req.request->find("resource");
  if (!resource || stringAt(*resource, {"group"}) != "apps") return std::nullopt;
  ScaleTarget t;
  const std::string plural = stringAt(*resource, {"resource"});
  if (plural == "deployments")
    t.kind = "Deployment";
  else if (plural == "statefulsets")
    t.kind = "StatefulSet";
  else
    return std::nullopt;
  t.apiVersion = "apps/" + stringAt(*resource, {"version"});
  if (t.apiVersion == "apps/") t.apiVersion = "apps/v1";
  t.namespace_ = req.namespace_;
  t.name = req.name;
  const Value* replicas = req.object ? json::dig(*req.object, {"spec", "replicas"}) : nullptr;
  t.replicas = replicas && replicas->isNumber() ? *replicas : Value::number(std::int64_t{0});
  if (req.oldObject) {
    const Value* old = json::dig(*req.oldObject, {"spec", "replicas"});
    t.oldReplicas = old && old->isNumber() ? *old : Value::number(std::int64_t{0});
  }
  return t;
}

bool scaleIgnored(const policy::PolicySet& set, const ScaleTarget& target) {
  policy::AdmissionRequest r;
  r.kind = target.kind;
  r.namespace_ = target.namespace_;
  r.operation = policy::Operation::Update;
  return policy::ignored(set, r, policy::Stage::Validate);
}

AdmissionReply answerScale(const policy::PolicySet& set, const Review& review,
                           const ScaleTarget& target, const json::Value* workload,
                           std::string_view unread, const policy::EvalOptions& options) {
  AdmissionReply reply = replyFor(review, target);
  const std::string replicas = target.replicas.scalarText();
  ValidateDecision decision;
  if (scaleIgnored(set, target)) {
    reply.body = validateResponse(review.apiVersion, reply.uid, decision);
    return reply;
  }
  if (!workload) {
    decision.warnings.push_back(warning("billet could not evaluate " + target.kind + " " +
                                        target.name + " at " + replicas +
                                        " replicas: " + std::string(unread)));
    reply.body = validateResponse(review.apiVersion, reply.uid, decision);
    return reply;
  }
  if (const Value* uid = json::dig(*workload, {"metadata", "uid"}); uid && uid->isString())
    reply.objectUid = uid->asString();

  // The workload as it is (at the old Scale's count, when there is one) and as it will be.
  const Value before =
      target.oldReplicas.isNull() ? *workload : withReplicas(*workload, target.oldReplicas);
  const Value after = withReplicas(*workload, target.replicas);
  const policy::AdmissionRequest update = workloadRequest(review.request, target, &after, &before);
  const policy::AdmissionRequest unchanged =
      workloadRequest(review.request, target, &before, &before);

  Evaluation validated = evaluate(set, update, Stages::kValidate, options);
  decision = std::move(validated.validate);
  reply.results = std::move(validated.results);

  policy::EvalOptions explain = options;
  explain.explain = true;
  Evaluation mutatedNow = evaluate(set, update, Stages::kMutate, explain);
  Evaluation mutatedBefore = evaluate(set, unchanged, Stages::kMutate, explain);
  for (std::string& w : templateWarnings(mutatedNow.changes, mutatedBefore.changes, replicas))
    decision.warnings.push_back(std::move(w));
  // What an update would generate (the PodDisruptionBudget), applied by the server after
  // admission, never on dry runs, nor for a scale denied here (it does not happen); and the
  // generate rules' results for reports.
  for (policy::RuleResult& r : mutatedNow.results)
    if (r.stage == policy::Stage::Generate) reply.results.push_back(std::move(r));
  if (mutatedNow.mutate.allowed && decision.allowed)
    reply.generated = std::move(mutatedNow.generated);

  reply.allowed = decision.allowed;
  reply.body = validateResponse(review.apiVersion, reply.uid, decision);
  return reply;
}

}  // namespace billet::admission
