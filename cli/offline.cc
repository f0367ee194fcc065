#include "cli/offline.h"

#include <algorithm>
#include <set>

#include "json/patch.h"
#include "policy/source.h"

namespace billet::cli {
namespace {

std::string str(const json::Value* v) {
  return v && v->isString() ? v->asString() : "";
}

// The `request` root offline: what the API server would have sent for a CREATE.
json::Value syntheticRequest(const Resource& r, const Identity& id) {
  json::Value req = json::Value::object();
  req.set("uid", json::Value::string("offline"));
  std::string group, version = r.apiVersion;
  if (auto slash = r.apiVersion.find('/'); slash != std::string::npos) {
    group = r.apiVersion.substr(0, slash);
    version = r.apiVersion.substr(slash + 1);
  }
  json::Value& kind = req["kind"];
  kind.set("group", json::Value::string(group));
  kind.set("version", json::Value::string(version));
  kind.set("kind", json::Value::string(r.kind));
  req.set("name", json::Value::string(r.name));
  if (!r.namespace_.empty()) req.set("namespace", json::Value::string(r.namespace_));
  req.set("operation", json::Value::string("CREATE"));
  json::Value& user = req["userInfo"];
  user.set("username", json::Value::string(id.username));
  json::Array groups;
  for (const std::string& g : id.groups) groups.push_back(json::Value::string(g));
  user.set("groups", json::Value::array(std::move(groups)));
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
  req.name = r.name;
  req.operation = policy::Operation::Create;
  req.username = id.username;
  req.groups = id.groups;
  req.object = &object;
  req.request = &requestDoc;
  return req;
}

}  // namespace

bool isClusterScoped(const std::string& kind) {
  static const char* kKinds[] = {"Node",
                                 "Namespace",
                                 "PersistentVolume",
                                 "ClusterRole",
                                 "ClusterRoleBinding",
                                 "StorageClass",
                                 "CustomResourceDefinition",
                                 "PriorityClass",
                                 "MutatingWebhookConfiguration",
                                 "ValidatingWebhookConfiguration",
                                 "RuntimeClass",
                                 "CSIDriver",
                                 "IngressClass",
                                 "APIService",
                                 "VolumeAttachment",
                                 "CSINode"};
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

std::string Resource::id() const {
  return namespace_.empty() ? kind + "/" + name : kind + "/" + namespace_ + "/" + name;
}

std::vector<Resource> loadResources(const std::vector<std::string>& paths, const Identity& identity,
                                    std::vector<policy::LoadError>& errors) {
  std::vector<Resource> out;
  std::vector<policy::Document> docs;
  for (const policy::TextSource& s : policy::readSources(paths, errors))
    policy::parseDocuments(s, docs, errors);
  for (const policy::Document& d : docs) {
    Resource r;
    r.file = d.file;
    r.line = d.line;
    r.object = policy::toValue(d.node);
    r.apiVersion = str(r.object.find("apiVersion"));
    r.kind = str(r.object.find("kind"));
    auto fail = [&](const char* field, const std::string& msg) {
      errors.push_back({d.file, d.line, 1, field, msg});
    };
    if (r.apiVersion.empty()) {
      fail("apiVersion", "a resource needs apiVersion (a string)");
      continue;
    }
    if (r.kind.empty()) {
      fail("kind", "a resource needs kind (a string)");
      continue;
    }
    const json::Value* meta = r.object.find("metadata");
    if (meta && !meta->isObject()) {
      fail("metadata", "metadata must be a mapping");
      continue;
    }
    r.name = str(meta ? meta->find("name") : nullptr);
    if (r.name.empty()) r.name = str(meta ? meta->find("generateName") : nullptr);
    if (r.name.empty()) {
      fail("metadata.name", "a resource needs metadata.name");
      continue;
    }
    if (!isClusterScoped(r.kind)) {
      r.namespace_ = str(meta->find("namespace"));
      if (r.namespace_.empty()) r.namespace_ = identity.defaultNamespace;
    }
    out.push_back(std::move(r));
  }
  return out;
}

ResourceReport evaluate(const policy::PolicySet& set, const Resource& r, const Identity& identity,
                        bool forceAudit) {
  ResourceReport rep;
  rep.resource = &r;
  json::Value requestDoc = syntheticRequest(r, identity);
  policy::AdmissionRequest req = toRequest(r, identity, r.object, requestDoc);
  policy::EvalOptions options;
  options.explain = true;
  options.forceAudit = forceAudit;

  policy::MutateOutcome m = policy::mutate(set, req, options);
  rep.patch = json::diff(r.object, m.object);
  rep.patched = std::move(m.object);
  rep.results = std::move(m.results);
  rep.changes = std::move(m.changes);
  rep.notes = std::move(m.notes);

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
  // Convergence (SPEC §4.2): the policy set applied to its own output changes nothing.
  if (!forceAudit) {
    policy::MutateOutcome again = policy::mutate(set, mutated, options);
    for (const policy::Change& c : again.changes) {
      policy::RuleResult e;
      e.policy = c.policy;
      e.rule = c.rule;
      e.stage = policy::Stage::Mutate;
      e.outcome = policy::Outcome::Error;
      e.message = "does not converge: changes " + c.pointer + " again";
      rep.results.push_back(std::move(e));
    }
  }
  policy::ValidateOutcome v = policy::validate(set, mutated, options);
  rep.enforceFailure = !v.allowed();
  rep.results.insert(rep.results.end(), v.results.begin(), v.results.end());
  policy::GenerateOutcome g = policy::generate(set, mutated, options);
  rep.results.insert(rep.results.end(), g.results.begin(), g.results.end());
  rep.generated = std::move(g.generated);
  return rep;
}

}  // namespace billet::cli
