#include "cli/offline.h"

#include <algorithm>
#include <set>

#include "admission/evaluation.h"
#include "json/patch.h"
#include "kube/kinds.h"
#include "policy/source.h"

namespace billet::cli {
namespace {

std::string str(const json::Value* v) {
  return v && v->isString() ? std::string(v->asString()) : "";
}

// {group, version, <field>: name}: a request's kind or resource.
json::Value groupVersion(const std::string& group, const std::string& version, const char* field,
                         const std::string& name) {
  json::Value v = json::Value::object();
  v.set("group", json::Value::string(group));
  v.set("version", json::Value::string(version));
  v.set(field, json::Value::string(name));
  return v;
}

// The `request` root offline: what the API server would have sent for a CREATE, field for
// field, so that a rule reading `request.…` decides as it does at the webhook. `object` reads
// `objectRead` (the resource as written) in place, as the review's request.object does.
json::Value syntheticRequest(const Resource& r, const Identity& id,
                             const json::Value* objectRead = nullptr) {
  json::Value req = json::Value::object();
  req.set("uid", json::Value::string("offline"));
  std::string group, version = r.apiVersion;
  if (auto slash = r.apiVersion.find('/'); slash != std::string::npos) {
    group = r.apiVersion.substr(0, slash);
    version = r.apiVersion.substr(slash + 1);
  }
  const std::string resource = kube::resourceOfKind(r.kind);
  req.set("kind", groupVersion(group, version, "kind", r.kind));
  req.set("resource", groupVersion(group, version, "resource", resource));
  req.set("requestKind", groupVersion(group, version, "kind", r.kind));
  req.set("requestResource", groupVersion(group, version, "resource", resource));
  // The API server omits an empty name (a CREATE with generateName has none yet).
  if (!r.generateName && !r.name.empty()) req.set("name", json::Value::string(r.name));
  if (!r.namespace_.empty()) req.set("namespace", json::Value::string(r.namespace_));
  req.set("operation", json::Value::string("CREATE"));
  json::Value& user = req["userInfo"];
  user.set("username", json::Value::string(id.username));
  json::Array groups;
  for (const std::string& g : id.groups) groups.push_back(json::Value::string(g));
  user.set("groups", json::Value::array(std::move(groups)));
  if (objectRead) req.set("object", json::Value::lazyCopyOf(*objectRead));
  json::Value& options = req["options"];
  options.set("kind", json::Value::string("CreateOptions"));
  options.set("apiVersion", json::Value::string("meta.k8s.io/v1"));
  req.set("dryRun", json::Value::boolean(false));
  return req;
}

policy::AdmissionRequest toRequest(const Resource& r, const Identity& id, const json::Value& object,
                                   const json::Value& requestDoc) {
  policy::AdmissionRequest req;
  req.uid = "offline";
  const json::Value* k = requestDoc.find("kind");
  req.group = str(k->find("group"));
  req.version = str(k->find("version"));
  req.kind = r.kind;
  req.namespace_ = r.namespace_;
  req.name = r.generateName ? "" : r.name;
  req.operation = policy::Operation::Create;
  req.username = id.username;
  req.groups = id.groups;
  req.object = &object;
  req.request = &requestDoc;
  return req;
}

}  // namespace

json::Value admissionReview(const Resource& r, const Identity& identity,
                            const json::Value& object) {
  json::Value request = syntheticRequest(r, identity);
  request.set("object", object);
  json::Value review = json::Value::object();
  review.set("apiVersion", json::Value::string("admission.k8s.io/v1"));
  review.set("kind", json::Value::string("AdmissionReview"));
  review.set("request", std::move(request));
  return review;
}

std::string Resource::id() const {
  return namespace_.empty() ? kind + "/" + name : kind + "/" + namespace_ + "/" + name;
}

ResourceReport evaluate(const policy::PolicySet& set, const Resource& r, const Identity& identity) {
  ResourceReport rep;
  rep.resource = &r;
  json::Value requestDoc = syntheticRequest(r, identity, &r.object);
  policy::AdmissionRequest req = toRequest(r, identity, r.object, requestDoc);
  policy::EvalOptions options;
  options.explain = true;

  if (policy::ignored(set, req, policy::Stage::Validate))
    rep.idle = "namespace " + r.namespace_ + " is excluded (Settings spec.excludeNamespaces)";
  else if (set.forKind(r.kind).empty())
    rep.idle = "no policy applies to kind " + r.kind;

  admission::Evaluation e = admission::evaluate(set, req, admission::Stages::kAll, options);
  // The operations /mutate writes as e.mutate.patch, as a value to print or embed (the same
  // bytes when written); they read from the mutated object, kept beside them in `rep`.
  rep.patch = e.mutate.patchOperations > 0 ? json::diffFromCopy(*req.object, e.object)
                                           : json::Value::array();
  rep.patched = std::move(e.object);
  rep.results = std::move(e.results);
  rep.changes = std::move(e.changes);
  rep.notes = std::move(e.notes);
  rep.generated = std::move(e.generated);
  rep.enforceFailure = !e.validate.allowed;
  if (!e.mutate.allowed) {
    rep.refused = true;
    rep.notes.push_back("/mutate would refuse this request: " + e.mutate.message);
  }

  // Conflicts: two rules changing the same field, or one a field inside what the other set.
  // Appends to lists ("/-") are not conflicts.
  auto within = [](const std::string& inner, const std::string& outer) {
    return inner == outer ||
           (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
            inner[outer.size()] == '/');
  };
  std::set<std::string> reported;
  for (std::size_t i = 0; i < rep.changes.size(); ++i) {
    for (std::size_t j = i + 1; j < rep.changes.size(); ++j) {
      const policy::Change& a = rep.changes[i];
      const policy::Change& b = rep.changes[j];
      if (a.policy == b.policy && a.rule == b.rule) continue;
      auto endsAppend = [](const std::string& p) {
        return p.size() >= 2 && p.compare(p.size() - 2, 2, "/-") == 0;
      };
      if (endsAppend(a.pointer) || endsAppend(b.pointer)) continue;
      if (!within(a.pointer, b.pointer) && !within(b.pointer, a.pointer)) continue;
      std::string note = "conflict: " + a.policy + "/" + a.rule + " and " + b.policy + "/" +
                         b.rule + " both change " +
                         (a.pointer.size() > b.pointer.size() ? a.pointer : b.pointer);
      if (reported.insert(note).second) rep.notes.push_back(std::move(note));
    }
  }

  policy::AdmissionRequest mutated = req;
  mutated.object = &rep.patched;
  // Convergence (SPEC §4.2): the policy set applied to its own output changes nothing. A rule
  // that changes the object again is an error in place of its pass: one result per rule.
  admission::Evaluation again =
      admission::evaluate(set, mutated, admission::Stages::kMutate, options);
  std::vector<std::pair<policy::RuleResult*, std::vector<std::string>>> fighting;
  for (const policy::Change& c : again.changes) {
    policy::RuleResult* target = nullptr;
    for (policy::RuleResult& res : rep.results)
      if (res.stage == policy::Stage::Mutate && res.policy == c.policy && res.rule == c.rule)
        target = &res;
    if (!target) continue;  // every rule that changes something has a result of the first pass
    auto it = std::find_if(fighting.begin(), fighting.end(),
                           [&](const auto& f) { return f.first == target; });
    if (it == fighting.end()) it = fighting.insert(fighting.end(), {target, {}});
    if (std::find(it->second.begin(), it->second.end(), c.pointer) == it->second.end())
      it->second.push_back(c.pointer);
  }
  for (auto& [res, pointers] : fighting) {
    std::string list;
    for (const std::string& p : pointers) list += (list.empty() ? "" : ", ") + p;
    res->outcome = policy::Outcome::Error;
    res->message = "does not converge: changes " + list + " again";
  }
  return rep;
}

bool ResourceReport::failsLint() const {
  if (enforceFailure || refused) return true;
  for (const policy::RuleResult& r : results)
    if (r.outcome == policy::Outcome::Error) return true;
  return false;
}

void asAudit(ResourceReport& rep) {
  for (policy::RuleResult& r : rep.results) {
    if (r.stage == policy::Stage::Mutate && r.outcome == policy::Outcome::Pass) {
      // Applied, as the webhook would: say what it changes.
      std::string what;
      for (const policy::Change& c : rep.changes)
        if (c.policy == r.policy && c.rule == r.rule)
          what += (what.empty() ? "would " : ", ") + c.op + " " + c.pointer;
      if (what.empty()) continue;  // cannot happen: a pass changed something
      r.message = r.message.empty() ? what : what + "; " + r.message;
      r.outcome = policy::Outcome::Warn;
    } else if (r.outcome == policy::Outcome::Fail && r.mode == policy::Mode::Audit) {
      // The webhook admits these (an Audit-mode mutate is not applied, an Audit-mode validate
      // failure is an annotation): only what it would reject is a failure.
      r.outcome = policy::Outcome::Warn;
    }
  }
}

}  // namespace billet::cli
