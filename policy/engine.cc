#include "policy/engine.h"

#include <algorithm>
#include <exception>
#include <map>
#include <string_view>
#include <unordered_set>

#include "json/patch.h"
#include "policy/checks.h"
#include "policy/glob.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

PathRoots rootsFor(const Settings& settings, const AdmissionRequest& req,
                   const json::Value* object) {
  PathRoots r;
  r.cluster = &settings.cluster;
  r.object = object;
  r.oldObject = req.oldObject;
  r.request = req.request;
  if (object) {
    r.pod = findPodSpec(*object, req.kind);
    r.podMetadata = findPodMetadata(*object, req.kind);
  }
  return r;
}

bool hasRules(const CompiledPolicy& p, Stage stage) {
  for (const Rule& r : p.rules)
    if (r.stage == stage) return true;
  return false;
}

Mode effectiveMode(const CompiledPolicy& p, const Rule& r, const EvalOptions&) {
  return r.mode.value_or(p.mode);
}

RuleResult result(const CompiledPolicy& p, const Rule& r, Mode mode, Outcome outcome,
                  std::string message) {
  return RuleResult{p.name,     r.name,    r.stage, mode, outcome, std::move(message),
                    p.severity, p.category};
}

// Which exception, if any, exempts this rule for this request.
const PolicyExceptionSpec* exceptionFor(const PolicySet& set, const CompiledPolicy& p,
                                        const Rule& r, const MatchInput& in) {
  for (const PolicyExceptionSpec& e : set.exceptions) {
    bool names = false;
    for (const auto& entry : e.exceptions)
      names = names || (entry.policy == p.name &&
                        (entry.rules.empty() || std::find(entry.rules.begin(), entry.rules.end(),
                                                          r.name) != entry.rules.end()));
    if (!names || !matches(e.match, in)) continue;
    if (e.exclude && matches(*e.exclude, in)) continue;
    return &e;
  }
  return nullptr;
}

bool policyApplies(const CompiledPolicy& p, const MatchInput& in) {
  return matches(p.match, in) && !(p.exclude && matches(*p.exclude, in));
}

// Why a rule does not apply, or "" when it does.
std::string ruleSkip(const PolicySet& set, const CompiledPolicy& p, const Rule& r,
                     const MatchInput& in) {
  if (r.match && !matches(*r.match, in)) return "not matched";
  if (r.exclude && matches(*r.exclude, in)) return "excluded";
  if (const PolicyExceptionSpec* e = exceptionFor(set, p, r, in)) return "excepted by " + e->name;
  return {};
}

std::string describePatch(const json::Value& ops) {
  std::string out = "would ";
  bool first = true;
  for (const json::Value& op : ops.asArray()) {
    if (!first) out += ", ";
    first = false;
    out += op.find("op")->asString() + " " + op.find("path")->asString();
  }
  return out;
}

void recordChanges(const json::Value& before, const json::Value& after, const CompiledPolicy& p,
                   const Rule& r, const std::vector<std::string>& detail,
                   std::vector<Change>& out) {
  json::Value ops = json::diff(before, after);
  std::string d;
  for (const std::string& s : detail) d += (d.empty() ? "" : "; ") + s;
  for (const json::Value& op : ops.asArray())
    out.push_back({op.find("path")->asString(), op.find("op")->asString(), p.name, r.name, d});
}

// On UPDATE of a Pod the API server accepts changes to metadata and new tolerations, and refuses
// any other change to the spec: a patch touching it would make every later update of the pod
// fail (a label, a finalizer removal). So a rule's change to a pod being updated keeps only
// those parts; the rest is reported as what the rule would have set.
bool podUpdate(const AdmissionRequest& req) {
  return req.operation == Operation::Update && req.kind == "Pod" && req.group.empty();
}

bool mutableOnPodUpdate(const json::Value& op) {
  const std::string& path = op.find("path")->asString();
  if (path.rfind("/metadata/", 0) == 0) return true;
  const std::string& kind = op.find("op")->asString();
  return kind == "add" && (path == "/spec/tolerations" || path == "/spec/tolerations/-");
}

// Reverts the parts of `after`'s change from `before` that a pod update may not make; returns
// them as JSON Patch operations (empty when the whole change may stand).
json::Value keepPodUpdateChanges(const json::Value& before, json::Value& after) {
  json::Value ops = json::diff(before, after);
  json::Array kept, refused;
  for (const json::Value& op : ops.asArray())
    (mutableOnPodUpdate(op) ? kept : refused).push_back(op);
  if (refused.empty()) return json::Value::array();
  after = before;
  json::apply(after, json::Value::array(std::move(kept)));
  return json::Value::array(std::move(refused));
}

// One pass over every mutate rule. Rules in `disabled` are reported as errors and skipped.
bool mutatePass(const PolicySet& set, const AdmissionRequest& req, const EvalOptions& options,
                const std::map<const Rule*, std::string>& disabled, MutateOutcome& out,
                const Rule*& failed, std::string& failure) {
  json::Value& work = out.object;
  for (const CompiledPolicy* p : set.forKind(req.kind)) {
    if (!hasRules(*p, Stage::Mutate)) continue;
    PathRoots roots = rootsFor(set.settings, req, &work);
    MatchInput in{req, set.settings, &work, roots};
    bool applies = policyApplies(*p, in);
    for (const Rule& r : p->rules) {
      if (r.stage != Stage::Mutate) continue;
      Mode mode = effectiveMode(*p, r, options);
      if (!applies) {
        out.results.push_back(result(*p, r, mode, Outcome::Skip, "not matched"));
        continue;
      }
      if (auto it = disabled.find(&r); it != disabled.end()) {
        out.results.push_back(result(*p, r, mode, Outcome::Error, it->second));
        continue;
      }
      in.roots = rootsFor(set.settings, req, &work);
      if (std::string why = ruleSkip(set, *p, r, in); !why.empty()) {
        out.results.push_back(result(*p, r, mode, Outcome::Skip, why));
        continue;
      }
      bool audit = mode == Mode::Audit;
      json::Value scratch;
      if (audit || options.explain || podUpdate(req)) scratch = work;
      json::Value& target = audit ? scratch : work;
      MutateContext ctx{target, req, set.settings, r.overwrite};
      try {
        for (const auto& action : r.actions) action->apply(ctx);
      } catch (const std::exception& e) {
        failed = &r;
        failure = e.what();
        return false;
      } catch (...) {
        failed = &r;
        failure = "unknown error";
        return false;
      }
      for (const std::string& n : ctx.notes) out.notes.push_back(p->name + "/" + r.name + ": " + n);
      if (audit) {
        json::Value ops = json::diff(work, scratch);
        if (ops.size() == 0)
          out.results.push_back(result(*p, r, mode, Outcome::Skip,
                                       ctx.skipReason.empty() ? "nothing to do" : ctx.skipReason));
        else {
          std::string message = describePatch(ops);
          for (const std::string& d : ctx.detail) message += "; " + d;
          out.results.push_back(result(*p, r, mode, Outcome::Fail, std::move(message)));
        }
        continue;
      }
      if (podUpdate(req)) {
        json::Value refused = keepPodUpdateChanges(scratch, work);
        if (refused.size() > 0) {
          out.results.push_back(
              result(*p, r, mode, Outcome::Fail,
                     describePatch(refused) + " (a Pod's spec cannot change after it is created)"));
          if (options.explain) recordChanges(scratch, work, *p, r, ctx.detail, out.changes);
          continue;
        }
      }
      if (options.explain) recordChanges(scratch, work, *p, r, ctx.detail, out.changes);
      if (ctx.changed) {
        std::string detail;
        for (const std::string& s : ctx.detail) detail += (detail.empty() ? "" : "; ") + s;
        out.results.push_back(result(*p, r, mode, Outcome::Pass, detail));
      } else {
        out.results.push_back(result(*p, r, mode, Outcome::Skip,
                                     ctx.skipReason.empty() ? "nothing to do" : ctx.skipReason));
      }
    }
  }
  return true;
}

// A rule broken by every container of a very wide object would otherwise answer megabytes: the
// first messages are shown, the rest counted ("… and K more").
constexpr std::size_t kMaxMessages = 20;
constexpr std::size_t kMaxMessageBytes = 4096;

// Cuts `s` to at most `size` bytes without splitting a UTF-8 sequence.
std::string utf8Prefix(const std::string& s, std::size_t size) {
  if (s.size() <= size) return s;
  while (size > 0 && (static_cast<unsigned char>(s[size]) & 0xC0) == 0x80) --size;
  return s.substr(0, size) + "…";
}

// Joins messages with "; ", each once, in order, bounded as above. Linear in the parts.
std::string joinUnique(const std::vector<std::string>& parts) {
  std::string out;
  std::unordered_set<std::string_view> seen;
  seen.reserve(parts.size());
  std::size_t shown = 0, more = 0;
  for (const std::string& s : parts) {
    if (!seen.insert(s).second) continue;
    bool fits = more == 0 && shown < kMaxMessages && out.size() + s.size() <= kMaxMessageBytes;
    if (shown == 0) {
      out = utf8Prefix(s, kMaxMessageBytes);
    } else if (fits) {
      out += "; " + s;
    } else {
      ++more;
      continue;
    }
    ++shown;
  }
  if (more > 0) out += "; … and " + std::to_string(more) + " more";
  return out;
}

// One violation of a rule as reported, and what identifies it when an UPDATE's old and new
// objects are compared: the message together with the container and the offending value, so a
// rule message without `{container}` still tells two containers apart.
struct Found {
  std::string message;
  std::string key;
};

// Runs a validate rule's checks on one object; true when it holds, else its violations in `found`.
bool runChecks(const Rule& r, const AdmissionRequest& req, const Settings& settings,
               const json::Value& object, std::vector<Found>& found, std::string& error) {
  ValidateContext ctx{req, settings, object, rootsFor(settings, req, &object), {}};
  ctx.roots.object = &object;
  std::vector<Violation> violations;
  for (const auto& c : r.checks) {
    c->check(ctx, violations);
    if (!ctx.error.empty()) {
      error = ctx.error;
      return false;
    }
  }
  if (violations.empty()) return true;
  found.reserve(violations.size());
  for (const Violation& v : violations) {
    std::string message = !v.tmpl.empty()     ? expandMessage(v.tmpl, v, req, &object)
                          : r.message.empty() ? v.message
                                              : expandMessage(r.message, v, req, &object);
    std::string key = message + '\x1f' + v.container + '\x1f' + v.value;
    found.push_back({std::move(message), std::move(key)});
  }
  return false;
}

// With allowExistingViolations, an UPDATE is judged per violation: those the old object already
// had stay allowed, and any other one is new. Returns the new violations (all of `found` when the
// old object cannot be judged); `kept` receives the existing ones.
std::vector<Found> newViolations(const Rule& r, const AdmissionRequest& req,
                                 const Settings& settings, std::vector<Found> found,
                                 std::vector<Found>& kept) {
  std::vector<Found> before;
  std::string oldError;
  bool oldHolds = true;
  try {
    oldHolds = runChecks(r, req, settings, *req.oldObject, before, oldError);
  } catch (const std::exception&) {
    return found;
  }
  if (oldHolds || !oldError.empty()) return found;
  std::unordered_set<std::string_view> existing;
  existing.reserve(before.size());
  for (const Found& f : before) existing.insert(f.key);
  std::vector<Found> fresh;
  for (Found& f : found) (existing.count(f.key) ? kept : fresh).push_back(std::move(f));
  return fresh;
}

std::vector<std::string> messagesOf(const std::vector<Found>& found) {
  std::vector<std::string> out;
  out.reserve(found.size());
  for (const Found& f : found) out.push_back(f.message);
  return out;
}

std::string auditKey(const CompiledPolicy& p, const Rule& r) {
  std::string key = p.name + "." + r.name;
  for (char& c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') c = '-';
  return key.substr(0, 63);
}

std::string truncateWarning(std::string s) {
  if (s.size() <= 120) return s;
  // Cut at 117 bytes without splitting a UTF-8 sequence, then mark the cut.
  std::size_t cut = 117;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

}  // namespace

bool ignored(const PolicySet& set, const AdmissionRequest& req, Stage stage) {
  if (req.operation == Operation::Delete || req.operation == Operation::Connect) return true;
  if (!req.subResource.empty() &&
      !(stage == Stage::Validate && req.subResource == "ephemeralcontainers"))
    return true;
  return !req.namespace_.empty() && globAny(set.settings.excludeNamespaces, req.namespace_);
}

MutateOutcome mutate(const PolicySet& set, const AdmissionRequest& req,
                     const EvalOptions& options) {
  MutateOutcome out;
  if (req.object) out.object = *req.object;
  if (ignored(set, req, Stage::Mutate) || !req.object) return out;
  std::map<const Rule*, std::string> disabled;  // rules that threw, with what they threw
  // A rule that throws is disabled and the pass restarts from the original object, so the
  // answer never carries half of that rule's change (SPEC §4.8).
  for (;;) {
    const Rule* failed = nullptr;
    std::string why;
    if (mutatePass(set, req, options, disabled, out, failed, why)) break;
    disabled.emplace(failed, why);
    out = MutateOutcome{};
    out.object = *req.object;
  }
  if (!disabled.empty() && set.settings.mutateErrorsDeny) {
    std::vector<std::string> parts;
    for (const RuleResult& r : out.results)
      if (r.outcome == Outcome::Error)
        parts.push_back(r.policy + "/" + r.rule + ": evaluation error: " + r.message);
    out.denied = true;
    out.denyMessage = joinUnique(parts);
  }
  return out;
}

ValidateOutcome validate(const PolicySet& set, const AdmissionRequest& req,
                         const EvalOptions& options) {
  ValidateOutcome out;
  if (ignored(set, req, Stage::Validate) || !req.object) return out;
  const json::Value& object = *req.object;
  PathRoots roots = rootsFor(set.settings, req, &object);
  MatchInput in{req, set.settings, &object, roots};
  for (const CompiledPolicy* p : set.forKind(req.kind)) {
    if (!hasRules(*p, Stage::Validate)) continue;
    bool applies = policyApplies(*p, in);
    for (const Rule& r : p->rules) {
      if (r.stage != Stage::Validate) continue;
      Mode mode = effectiveMode(*p, r, options);
      if (!applies) {
        out.results.push_back(result(*p, r, mode, Outcome::Skip, "not matched"));
        continue;
      }
      if (std::string why = ruleSkip(set, *p, r, in); !why.empty()) {
        out.results.push_back(result(*p, r, mode, Outcome::Skip, why));
        continue;
      }
      std::vector<Found> found;
      std::string error;
      bool holds = false;
      try {
        holds = runChecks(r, req, set.settings, object, found, error);
      } catch (const std::exception& e) {
        error = e.what();
      }
      std::string id = p->name + "/" + r.name;
      if (!error.empty()) {
        out.results.push_back(result(*p, r, mode, Outcome::Error, error));
        if (set.settings.validateErrorsDeny && mode == Mode::Enforce)
          out.denials.push_back(id + ": evaluation error: " + error);
        continue;
      }
      if (holds) {
        out.results.push_back(result(*p, r, mode, Outcome::Pass, ""));
        continue;
      }
      if (req.operation == Operation::Update && r.allowExistingViolations && req.oldObject &&
          !req.oldObject->isNull()) {
        std::vector<Found> kept;
        found = newViolations(r, req, set.settings, std::move(found), kept);
        if (found.empty()) {
          out.results.push_back(
              result(*p, r, mode, Outcome::Pass,
                     "existing violation allowed: " + joinUnique(messagesOf(kept))));
          continue;
        }
      }
      std::string message = joinUnique(messagesOf(found));
      switch (mode) {
        case Mode::Enforce:
          out.results.push_back(result(*p, r, mode, Outcome::Fail, message));
          out.denials.push_back(id + ": " + message);
          break;
        case Mode::Warn:
          out.results.push_back(result(*p, r, mode, Outcome::Warn, message));
          out.warnings.push_back(truncateWarning(id + ": " + message));
          break;
        case Mode::Audit:
          out.results.push_back(result(*p, r, mode, Outcome::Fail, message));
          out.auditAnnotations.emplace_back(auditKey(*p, r), message);
          break;
      }
    }
  }
  return out;
}

GenerateOutcome generate(const PolicySet& set, const AdmissionRequest& req,
                         const EvalOptions& options) {
  GenerateOutcome out;
  if (ignored(set, req, Stage::Generate) || !req.object) return out;
  const json::Value& object = *req.object;
  MatchInput in{req, set.settings, &object, rootsFor(set.settings, req, &object)};
  for (const CompiledPolicy* p : set.forKind(req.kind)) {
    if (!hasRules(*p, Stage::Generate)) continue;
    bool applies = policyApplies(*p, in);
    for (const Rule& r : p->rules) {
      if (r.stage != Stage::Generate) continue;
      Mode mode = effectiveMode(*p, r, options);
      std::string why = !applies ? "not matched" : ruleSkip(set, *p, r, in);
      if (why.empty() && req.dryRun) why = "dry run: nothing is generated";
      if (!why.empty()) {
        out.results.push_back(result(*p, r, mode, Outcome::Skip, why));
        continue;
      }
      try {
        std::optional<json::Value> obj = r.generator->generate(req, object, why);
        if (!obj) {
          out.results.push_back(result(*p, r, mode, Outcome::Skip, why));
          continue;
        }
        const json::Value* name = dig(*obj, {"metadata", "name"});
        std::string what = dig(*obj, {"kind"})->asString() + "/" + (name ? name->asString() : "");
        out.results.push_back(result(*p, r, mode, Outcome::Pass, "generates " + what));
        out.generated.push_back({p->name, r.name, std::move(*obj)});
      } catch (const std::exception& e) {
        out.results.push_back(result(*p, r, mode, Outcome::Error, e.what()));
      }
    }
  }
  return out;
}

}  // namespace billet::policy
