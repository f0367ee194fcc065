#include "policy/engine.h"

#include <algorithm>
#include <exception>
#include <new>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "json/patch.h"
#include "policy/checks.h"
#include "policy/glob.h"
#include "policy/pod_templates.h"
#include "policy/template_roots.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

const std::string& templateName(const PodTemplates& pods, std::size_t i) {
  static const std::string kNone;
  return i < pods.size() ? pods[i].name : kNone;
}

// "name: text" when the template has a name (its kind can have more than one), else text.
std::string named(const std::string& name, std::string text) {
  return name.empty() ? text : name + ": " + text;
}

// Whether a policy matched each view of an object; no allocation for the one pod of a built-in
// kind.
class Flags {
 public:
  explicit Flags(std::size_t n) : n_(n) {
    if (n > 1) more_.resize(n);
  }
  bool get(std::size_t i) const { return n_ <= 1 ? one_ : more_[i] != 0; }
  void set(std::size_t i, bool v) {
    if (n_ <= 1)
      one_ = v;
    else
      more_[i] = v;
  }
  std::size_t size() const { return n_; }

 private:
  std::size_t n_;
  bool one_ = false;
  std::vector<char> more_;
};

bool hasRules(const CompiledPolicy& p, Stage stage) {
  return p.rulesPerStage[static_cast<std::size_t>(stage)] != 0;
}

// Room for one result per rule of `stage` (every stage when nullopt) in `policies`, so that
// results are not moved as the list grows (a result holds five strings).
void reserveResults(std::vector<RuleResult>& results,
                    const std::vector<const CompiledPolicy*>& policies,
                    std::optional<Stage> stage) {
  std::size_t n = results.size();
  for (const CompiledPolicy* p : policies)
    n += stage ? p->rulesPerStage[static_cast<std::size_t>(*stage)] : p->rules.size();
  results.reserve(n);
}

Mode effectiveMode(const CompiledPolicy& p, const Rule& r, const EvalOptions&) {
  return r.mode.value_or(p.mode);
}

// Appends a rule's result, built in place: results are the most numerous thing an evaluation
// makes (one per rule that could apply), and a temporary's five strings cost a move each.
// Flattened: GCC otherwise calls an out-of-line string copy for each name once this file holds
// other string copies (about 400 instructions a review).
[[gnu::flatten]] void addResult(std::vector<RuleResult>& results, const CompiledPolicy& p,
                                const Rule& r, Mode mode, Outcome outcome, std::string message) {
#if defined(__cpp_aggregate_paren_init)
  results.emplace_back(p.name, r.name, r.stage, mode, outcome, std::move(message), p.severity,
                       p.category, r.serial);
#else  // Clang before 16: member by member
  RuleResult& x = results.emplace_back();
  x.policy = p.name;
  x.rule = r.name;
  x.stage = r.stage;
  x.mode = mode;
  x.outcome = outcome;
  x.message = std::move(message);
  x.severity = p.severity;
  x.category = p.category;
  x.ruleId = r.serial;
#endif
}

// SPEC §4.8: an exception inside a rule's evaluation never escapes the rule; what it says
// becomes the rule's error. billet's errors are values, so this only catches what should never
// be thrown (an allocation failure, a bug). True when `f` threw; `error` then says what.
template <typename F>
bool threw(F&& f, std::string& error) {
  try {
    f();
    return false;
  } catch (const std::bad_alloc&) {
    error = "internal error: out of memory";
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
  } catch (...) {
    error = "internal error";
  }
  return true;
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

// What a rule does on one pod template (`name`) where its policy matched: runs; is skipped
// there (the first template's reason is kept in `skipped`); or stops, with `error` set, when a
// `when` could not be evaluated (MatchInput::whenError is `error`) or the deadline passed after
// the rule ran on an earlier template (`ranBefore`). Both stages decide this alike.
enum class OnTemplate { kRun, kSkip, kStop };
[[gnu::always_inline]] inline OnTemplate ruleOnTemplate(const PolicySet& set,
                                                        const CompiledPolicy& p, const Rule& r,
                                                        const MatchInput& in,
                                                        const std::string& name, bool ranBefore,
                                                        Deadline& deadline, std::string& error,
                                                        std::string& skipped) {
  std::string why = ruleSkip(set, p, r, in);
  if (!error.empty()) {
    error = named(name, error);
    return OnTemplate::kStop;
  }
  if (!why.empty()) {
    if (skipped.empty()) skipped = named(name, why);
    return OnTemplate::kSkip;
  }
  if (ranBefore && deadline.passed()) {
    error = kDeadlineExceeded;
    return OnTemplate::kStop;
  }
  return OnTemplate::kRun;
}

// A string member of a JSON Patch operation json::diff made ("" if it had none).
std::string_view opField(const json::Value& op, std::string_view key) {
  const json::Value* v = op.find(key);
  const json::Text* s = v ? v->ifString() : nullptr;
  return s ? s->view() : std::string_view();
}

// The operations of a patch json::diff made (none if it is not a list).
const json::Array& operations(const json::Value& patch) {
  static const json::Array kNone;
  const json::Array* ops = patch.ifArray();
  return ops ? *ops : kNone;
}

std::string describePatch(const json::Value& ops) {
  std::string out = "would ";
  bool first = true;
  for (const json::Value& op : operations(ops)) {
    if (!first) out += ", ";
    first = false;
    out.append(opField(op, "op")).append(" ").append(opField(op, "path"));
  }
  return out;
}

// --explain: records the changes a rule made, `after` against `before` (the object as the rule
// found it), then brings `before` up to date for the next rule.
//
// The object's marks were cleared when mutate() copied the request's object and only accumulate
// since: what is untouched now was unchanged through every rule, so equals `before` where it is,
// and the diff skips it. `before` follows the rules by having their operations applied when they
// only add (a label, a toleration: members and elements are appended on both sides, so the order
// stays that of `after`), and by a copy otherwise (json::Value::copySharingOriginals: what the
// rules have not changed is not copied). With many policies on one object (lint always explains), a
// copy of the object per rule made the object's size times the number of rules.
void explainRule(json::Value& before, const json::Value& after, const CompiledPolicy& p,
                 const Rule& r, const std::vector<std::string>& detail, std::vector<Change>& out) {
  json::Value ops = json::diffFromCopy(before, after);
  std::string d;
  for (const std::string& s : detail) d += (d.empty() ? "" : "; ") + s;
  bool onlyAdds = true;
  for (const json::Value& op : operations(ops)) {
    out.push_back(
        {std::string(opField(op, "path")), std::string(opField(op, "op")), p.name, r.name, d});
    onlyAdds = onlyAdds && out.back().op == "add";
  }
  if (ops.size() == 0) return;
  if (!onlyAdds || !json::apply(before, ops).empty())
    before = json::Value::copySharingOriginals(after);
}

// On UPDATE of a Pod the API server accepts changes to metadata and new tolerations, and refuses
// any other change to the spec: a patch touching it would make every later update of the pod
// fail (a label, a finalizer removal). So a rule's change to a pod being updated keeps only
// those parts; the rest is reported as what the rule would have set.
bool podUpdate(const AdmissionRequest& req) {
  return req.operation == Operation::Update && req.kind == "Pod" && req.group.empty();
}

bool mutableOnPodUpdate(const json::Value& op) {
  const std::string_view path = opField(op, "path");
  if (path.rfind("/metadata/", 0) == 0) return true;
  const std::string_view kind = opField(op, "op");
  return kind == "add" && (path == "/spec/tolerations" || path == "/spec/tolerations/-");
}

// Reverts the parts of `after`'s change from `before` that a pod update may not make; returns
// them as JSON Patch operations (empty when the whole change may stand).
json::Value keepPodUpdateChanges(const json::Value& before, json::Value& after) {
  json::Value ops = json::diff(before, after);
  json::Array kept, refused;
  for (const json::Value& op : operations(ops))
    (mutableOnPodUpdate(op) ? kept : refused).push_back(op);
  if (refused.empty()) return json::Value::array();
  after = before;
  json::apply(after, json::Value::array(std::move(kept)));
  return json::Value::array(std::move(refused));
}

// A rule's result when the deadline stopped it, or had passed before it ran.
void addExpired(std::vector<RuleResult>& results, const CompiledPolicy& p, const Rule& r,
                Mode mode) {
  addResult(results, p, r, mode, Outcome::Error, std::string(kDeadlineExceeded));
}

// Whether a rule can stop after part of its change: an action that can fail, after another
// action or on a later pod template; the deadline, checked between pod templates; or, on a
// later pod template, a `when` of the rule's blocks or of an exception that cannot be evaluated.
// The object as it was before the rule is then kept, to be put back.
bool canStopHalfWay(const PolicySet& set, const Rule& r, std::size_t templates,
                    const EvalOptions& options) {
  if (templates > 1 && (options.deadline || r.match || r.exclude || !set.exceptions.empty()))
    return true;
  for (std::size_t k = 0; k < r.actions.size(); ++k)
    if (r.actions[k]->canFail() && (k > 0 || templates > 1)) return true;
  return false;
}

// A rule that threw after changing the object, with what it threw: it does not run again.
using DisabledRules = std::vector<std::pair<const Rule*, std::string>>;

// Every mutate rule in order, each on the object the rules before it left (SPEC §4.1). A rule
// that cannot apply reports error and leaves the object as it found it (SPEC §4.8); the rules
// after it go on. False when a rule threw having changed the object with nothing kept to undo
// it: it is added to `disabled`, and the stage must run again from the request's object.
bool mutateRules(const PolicySet& set, const AdmissionRequest& req, const EvalOptions& options,
                 Deadline& deadline, MutateOutcome& out, DisabledRules& disabled) {
  json::Value& work = out.object;
  const std::vector<PodTemplateKind>& kinds = set.settings.podTemplates;
  const std::vector<const CompiledPolicy*>& policies = set.forKind(req.kind);
  // Mutate runs first in an evaluation, and the later stages' results are appended to its own
  // (admission::evaluate): room for every stage's, so that they are not moved then.
  reserveResults(out.results, policies, std::nullopt);
  // With --explain, the object as the next rule will find it (explainRule).
  std::optional<json::Value> explained;
  if (options.explain) explained = json::Value::copySharingOriginals(work);
  TemplateRoots templates(set.settings, req, &work);
  for (const CompiledPolicy* p : policies) {
    if (!hasRules(*p, Stage::Mutate)) continue;
    if (deadline.passed()) {
      for (const Rule& r : p->rules)
        if (r.stage == Stage::Mutate) addExpired(out.results, *p, r, effectiveMode(*p, r, options));
      continue;
    }
    // The policy's match is decided per pod template, before its rules run.
    Flags applies(templates.views());
    bool anyApplies = false;
    std::string matchError;  // a `when` of the policy's blocks that could not be evaluated
    for (std::size_t i = 0; i < applies.size() && !deadline.passed(); ++i) {
      MatchInput in{req, set.settings, &work, templates.roots(i)};
      in.whenError = &matchError;
      applies.set(i, policyApplies(*p, in));
      anyApplies = anyApplies || applies.get(i);
    }
    for (const Rule& r : p->rules) {
      if (r.stage != Stage::Mutate) continue;
      Mode mode = effectiveMode(*p, r, options);
      if (deadline.passed()) {
        addExpired(out.results, *p, r, mode);
        continue;
      }
      if (!matchError.empty()) {
        addResult(out.results, *p, r, mode, Outcome::Error, matchError);
        continue;
      }
      if (!disabled.empty()) {
        auto off = std::find_if(disabled.begin(), disabled.end(),
                                [&](const auto& d) { return d.first == &r; });
        if (off != disabled.end()) {
          addResult(out.results, *p, r, mode, Outcome::Error, off->second);
          continue;
        }
      }
      if (!anyApplies) {
        addResult(out.results, *p, r, mode, Outcome::Skip, "not matched");
        continue;
      }
      // An Audit rule acts on a copy. Otherwise the object before the rule is kept when
      // something needs it: a pod update's allowed changes, or undoing the rule.
      bool audit = mode == Mode::Audit;
      json::Value scratch;
      if (audit) scratch = json::Value::copySharingOriginals(work);
      json::Value& target = audit ? scratch : work;
      // The rule acts on each pod template in turn, found on the object as it is now: an audit
      // rule's copy has its own.
      std::optional<PodTemplates> copied;
      if (audit) copied.emplace(kinds, req.group, req.kind, &target);
      const PodTemplates& now = audit ? *copied : templates.pods();
      bool kept = !audit && (podUpdate(req) || canStopHalfWay(set, r, viewCount(now), options));
      if (kept) scratch = json::Value::copySharingOriginals(work);
      MutateContext ctx{target, req, set.settings, r.overwrite};
      ctx.kindHasPods = now.kindHasPods();
      std::string skipped, error;
      bool ran = false;
      for (std::size_t i = 0; i < viewCount(now); ++i) {
        // Until the rule's actions run, the object is as `templates` saw it.
        const PathRoots roots =
            audit || ran ? rootsFor(set.settings, req, &target, now, i) : templates.roots(i);
        MatchInput in{req, set.settings, &target, roots};
        in.whenError = &error;
        if (i < applies.size() ? !applies.get(i) : !policyApplies(*p, in)) {
          if (!error.empty()) break;
          continue;
        }
        const std::string& name = templateName(now, i);
        const OnTemplate next = ruleOnTemplate(set, *p, r, in, name, ran, deadline, error, skipped);
        if (next == OnTemplate::kStop) break;
        if (next == OnTemplate::kSkip) continue;
        ran = true;
        ctx.pod = i < now.size() ? &now[i] : nullptr;
        bool before = ctx.changed;
        std::string reason = ctx.skipReason;
        ctx.changed = false;
        const bool thrown = threw(
            [&] {
              for (const auto& action : r.actions) {
                action->apply(ctx);
                if (!ctx.error.empty()) break;
              }
            },
            ctx.error);
        if (thrown && !audit && !kept) {
          // Whatever the rule changed before it threw cannot be undone here: the stage runs
          // again without it (mutate()).
          disabled.push_back({&r, named(name, ctx.error)});
          return false;
        }
        if (!ctx.error.empty()) {
          error = named(name, ctx.error);
          break;
        }
        if (!name.empty() && ctx.changed) ctx.detail.push_back("changed " + name);
        if (!name.empty() && ctx.skipReason != reason && !ctx.skipReason.empty())
          ctx.skipReason = named(name, ctx.skipReason);
        ctx.changed = ctx.changed || before;
      }
      if (ran && !audit) templates.invalidate();  // the actions may have changed the object
      if (!error.empty()) {
        // Nothing of the rule stays: what its earlier actions or pod templates changed is
        // undone (without `kept`, the failing action was the first to act, and did nothing).
        if (kept) work = std::move(scratch);
        addResult(out.results, *p, r, mode, Outcome::Error, std::move(error));
        continue;
      }
      if (!ran) {
        addResult(out.results, *p, r, mode, Outcome::Skip,
                  skipped.empty() ? "not matched" : skipped);
        continue;
      }
      for (const std::string& n : ctx.notes) out.notes.push_back(p->name + "/" + r.name + ": " + n);
      if (audit) {
        json::Value ops = json::diff(work, scratch);
        if (ops.size() == 0)
          addResult(out.results, *p, r, mode, Outcome::Skip,
                    ctx.skipReason.empty() ? "nothing to do" : ctx.skipReason);
        else {
          std::string message = describePatch(ops);
          for (const std::string& d : ctx.detail) message += "; " + d;
          addResult(out.results, *p, r, mode, Outcome::Fail, std::move(message));
        }
        continue;
      }
      if (podUpdate(req)) {
        json::Value refused = keepPodUpdateChanges(scratch, work);
        if (refused.size() > 0) {
          addResult(out.results, *p, r, mode, Outcome::Fail,
                    describePatch(refused) + " (a Pod's spec cannot change after it is created)");
          if (explained) explainRule(*explained, work, *p, r, ctx.detail, out.changes);
          continue;
        }
      }
      if (explained) explainRule(*explained, work, *p, r, ctx.detail, out.changes);
      if (ctx.changed) {
        std::string detail;
        for (const std::string& s : ctx.detail) detail += (detail.empty() ? "" : "; ") + s;
        addResult(out.results, *p, r, mode, Outcome::Pass, std::move(detail));
      } else {
        addResult(out.results, *p, r, mode, Outcome::Skip,
                  ctx.skipReason.empty() ? "nothing to do" : ctx.skipReason);
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

// Joins messages with "; ", each once, in order, bounded as above. Linear in the parts; nullopt
// when the deadline passes first.
std::optional<std::string> joinUnique(const std::vector<std::string>& parts, Deadline& deadline) {
  std::string out;
  // A rule has a violation or two: comparing with the earlier ones costs less than hashing and
  // a set's node per part (3,000 instructions a review); many are hashed, to stay linear.
  constexpr std::size_t kCompareUpTo = 8;
  std::unordered_set<std::string_view> seen;
  if (parts.size() > kCompareUpTo) seen.reserve(parts.size());
  std::size_t shown = 0, more = 0, total = 0;
  for (std::size_t i = 0; i < parts.size() && i < kMaxMessages; ++i) total += parts[i].size() + 2;
  out.reserve(std::min(total, kMaxMessageBytes));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& s = parts[i];
    if (deadline.passed()) return std::nullopt;
    if (parts.size() > kCompareUpTo) {
      if (!seen.insert(s).second) continue;
    } else if (std::find(parts.begin(), parts.begin() + i, s) != parts.begin() + i) {
      continue;
    }
    bool fits = more == 0 && shown < kMaxMessages && out.size() + s.size() <= kMaxMessageBytes;
    if (shown == 0) {
      if (s.size() <= kMaxMessageBytes)
        out.append(s);  // into the room reserved above
      else
        out = utf8Prefix(s, kMaxMessageBytes);
    } else if (fits) {
      out.append("; ").append(s);
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
  std::string container;
  std::string value;
  // What makes two violations the same one (allowExistingViolations), made only when compared.
  std::string key() const { return message + '\x1f' + container + '\x1f' + value; }
};

// Runs a validate rule's checks on one pod template of an object (`name` names it in messages);
// true when it holds, else its violations are added to `found`, or `error` says why it could
// not be judged (kDeadlineExceeded once the deadline has passed).
bool runChecks(const Rule& r, const AdmissionRequest& req, const Settings& settings,
               const json::Value& object, const PathRoots& roots, const std::string& name,
               Deadline& deadline, std::vector<Found>& found, std::string& error) {
  ValidateContext ctx{req, settings, object, roots, {}, &deadline};
  ctx.roots.object = &object;
  std::vector<Violation> violations;
  for (const auto& c : r.checks) {
    threw([&] { c->check(ctx, violations); }, ctx.error);
    if (!ctx.error.empty()) {
      error = ctx.error;
      return false;
    }
  }
  if (violations.empty()) return true;
  for (Violation& v : violations) {
    if (deadline.passed()) {
      error = kDeadlineExceeded;
      return false;
    }
    std::string message = !v.tmpl.empty()     ? expandMessage(v.tmpl, v, req, &object)
                          : r.message.empty() ? v.message
                                              : expandMessage(r.message, v, req, &object);
    found.push_back({named(name, std::move(message)), std::move(v.container), std::move(v.value)});
  }
  return false;
}

// With allowExistingViolations, an UPDATE is judged per violation: those the old object already
// had stay allowed, and any other one is new. Returns the new violations (all of `found` when the
// old object cannot be judged), or nullopt when the deadline passed first; `kept` receives the
// existing ones.
std::optional<std::vector<Found>> newViolations(const Rule& r, const AdmissionRequest& req,
                                                const Settings& settings, Deadline& deadline,
                                                std::vector<Found> found,
                                                std::vector<Found>& kept) {
  std::vector<Found> before;
  std::string oldError;
  const json::Value& old = *req.oldObject;
  PodTemplates pods(settings.podTemplates, req.group, req.kind, &old);
  for (std::size_t i = 0; i < viewCount(pods) && oldError.empty(); ++i) {
    if (deadline.passed()) return std::nullopt;
    runChecks(r, req, settings, old, rootsFor(settings, req, &old, pods, i), templateName(pods, i),
              deadline, before, oldError);
  }
  if (oldError == kDeadlineExceeded) return std::nullopt;
  if (before.empty() || !oldError.empty()) return found;
  std::unordered_set<std::string> existing;
  existing.reserve(before.size());
  for (const Found& f : before) existing.insert(f.key());
  std::vector<Found> fresh;
  for (Found& f : found) (existing.count(f.key()) ? kept : fresh).push_back(std::move(f));
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
  // At most 120 characters (code points, not bytes: a message in another script is not cut
  // shorter than an English one): past that, the first 117 and "...".
  constexpr std::size_t kMax = 120, kKept = 117;
  if (s.size() <= kMax) return s;
  // Most messages are ASCII up to there, where bytes are characters (one pass the compiler does
  // 16 bytes at a time: a warning is made for every Warn failure of a review).
  unsigned char high = 0;
  for (std::size_t i = 0; i <= kMax; ++i) high |= static_cast<unsigned char>(s[i]);
  if (high < 0x80) {
    s.resize(kKept);
    return s + "...";
  }
  std::size_t characters = 0, cut = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // inside a character
    if (characters == kKept) cut = i;
    if (++characters > kMax) {
      s.resize(cut);
      return s + "...";
    }
  }
  return s;
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
  if (req.object) {
    // Copied only where the rules change it; it reads from the request's object elsewhere.
    out.object = json::Value::lazyCopyOf(*req.object);
    // What the rules do not reach stays unmarked, and the patch skips it (json::diffFromCopy).
    json::markUntouched(out.object);
  }
  if (ignored(set, req, Stage::Mutate) || !req.object) return out;
  Deadline deadline(options.deadline, options.budget);
  // Each run that stops disables one more rule: at most one run more than there are rules.
  DisabledRules disabled;
  while (!mutateRules(set, req, options, deadline, out, disabled)) {
    out = MutateOutcome{};
    out.object = json::Value::lazyCopyOf(*req.object);
    json::markUntouched(out.object);
  }
  if (!set.settings.mutateErrorsDeny) return out;
  std::vector<std::string> parts;
  for (const RuleResult& r : out.results)
    if (r.outcome == Outcome::Error)
      parts.push_back(r.policy + "/" + r.rule + ": evaluation error: " + r.message);
  if (parts.empty()) return out;
  out.denied = true;
  Deadline none(std::nullopt);  // the answer is a denial, whatever the time
  out.denyMessage = *joinUnique(parts, none);
  return out;
}

ValidateOutcome validate(const PolicySet& set, const AdmissionRequest& req,
                         const EvalOptions& options) {
  if (!req.object) return {};
  return validate(set, req, *req.object, options);
}

ValidateOutcome validate(const PolicySet& set, const AdmissionRequest& req,
                         const json::Value& object, const EvalOptions& options) {
  ValidateOutcome out;
  if (ignored(set, req, Stage::Validate) || !req.object) return out;
  Deadline deadline(options.deadline, options.budget);
  // Validation changes nothing: the pod templates and their roots are found once.
  TemplateRoots templates(set.settings, req, &object);
  const PodTemplates& pods = templates.pods();
  const std::size_t n = templates.views();
  // A rule that could not be judged: denied with Settings evaluationErrors.validate: Deny.
  auto evaluationError = [&](const CompiledPolicy& p, const Rule& r, Mode mode, std::string error) {
    if (set.settings.validateErrorsDeny && mode == Mode::Enforce)
      out.denials.push_back(p.name + "/" + r.name + ": evaluation error: " + error);
    addResult(out.results, p, r, mode, Outcome::Error, std::move(error));
  };
  const std::vector<const CompiledPolicy*>& policies = set.forKind(req.kind);
  reserveResults(out.results, policies, Stage::Validate);
  for (const CompiledPolicy* p : policies) {
    if (!hasRules(*p, Stage::Validate)) continue;
    Flags applies(n);
    bool anyApplies = false;
    std::string matchError;  // a `when` of the policy's blocks that could not be evaluated
    for (std::size_t i = 0; i < n && !deadline.passed(); ++i) {
      MatchInput in{req, set.settings, &object, templates.roots(i)};
      in.whenError = &matchError;
      applies.set(i, policyApplies(*p, in));
      anyApplies = anyApplies || applies.get(i);
    }
    for (const Rule& r : p->rules) {
      if (r.stage != Stage::Validate) continue;
      Mode mode = effectiveMode(*p, r, options);
      if (deadline.passed()) {
        evaluationError(*p, r, mode, std::string(kDeadlineExceeded));
        continue;
      }
      if (!matchError.empty()) {
        evaluationError(*p, r, mode, matchError);
        continue;
      }
      if (!anyApplies) {
        addResult(out.results, *p, r, mode, Outcome::Skip, "not matched");
        continue;
      }
      // Each pod template the policy and the rule match is checked; the violations of all of
      // them make the rule's result.
      std::vector<Found> found;
      std::string error, skipped;
      bool ran = false;
      for (std::size_t i = 0; i < n && error.empty(); ++i) {
        if (!applies.get(i)) continue;
        const PathRoots& roots = templates.roots(i);
        MatchInput in{req, set.settings, &object, roots};
        in.whenError = &error;
        const std::string& name = templateName(pods, i);
        const OnTemplate next = ruleOnTemplate(set, *p, r, in, name, ran, deadline, error, skipped);
        if (next == OnTemplate::kStop) break;
        if (next == OnTemplate::kSkip) continue;
        ran = true;
        runChecks(r, req, set.settings, object, roots, name, deadline, found, error);
        if (!error.empty() && error != kDeadlineExceeded) error = named(name, error);
      }
      if (!error.empty()) {
        evaluationError(*p, r, mode, std::move(error));
        continue;
      }
      if (!ran) {
        addResult(out.results, *p, r, mode, Outcome::Skip, skipped);
        continue;
      }
      if (found.empty()) {
        addResult(out.results, *p, r, mode, Outcome::Pass, "");
        continue;
      }
      std::string id = p->name + "/" + r.name;
      if (req.operation == Operation::Update && r.allowExistingViolations && req.oldObject &&
          !req.oldObject->isNull()) {
        std::vector<Found> kept;
        std::optional<std::vector<Found>> fresh =
            newViolations(r, req, set.settings, deadline, std::move(found), kept);
        if (!fresh) {
          evaluationError(*p, r, mode, std::string(kDeadlineExceeded));
          continue;
        }
        found = std::move(*fresh);
        if (found.empty()) {
          std::optional<std::string> existing = joinUnique(messagesOf(kept), deadline);
          if (!existing) {
            evaluationError(*p, r, mode, std::string(kDeadlineExceeded));
            continue;
          }
          addResult(out.results, *p, r, mode, Outcome::Pass,
                    "existing violation allowed: " + *existing);
          continue;
        }
      }
      std::optional<std::string> joined = joinUnique(messagesOf(found), deadline);
      if (!joined) {
        evaluationError(*p, r, mode, std::string(kDeadlineExceeded));
        continue;
      }
      std::string message = std::move(*joined);
      switch (mode) {
        case Mode::Enforce:
          addResult(out.results, *p, r, mode, Outcome::Fail, message);
          out.denials.push_back(id + ": " + message);
          break;
        case Mode::Warn:
          addResult(out.results, *p, r, mode, Outcome::Warn, message);
          out.warnings.push_back(truncateWarning(id + ": " + message));
          break;
        case Mode::Audit:
          addResult(out.results, *p, r, mode, Outcome::Fail, message);
          out.auditAnnotations.emplace_back(auditKey(*p, r), message);
          break;
      }
    }
  }
  return out;
}

GenerateOutcome generate(const PolicySet& set, const AdmissionRequest& req,
                         const EvalOptions& options) {
  if (!req.object) return {};
  return generate(set, req, *req.object, options);
}

GenerateOutcome generate(const PolicySet& set, const AdmissionRequest& req,
                         const json::Value& object, const EvalOptions& options) {
  GenerateOutcome out;
  if (ignored(set, req, Stage::Generate) || !req.object) return out;
  Deadline deadline(options.deadline, options.budget);
  TemplateRoots templates(set.settings, req, &object);  // the object does not change here
  const std::vector<const CompiledPolicy*>& policies = set.forKind(req.kind);
  reserveResults(out.results, policies, Stage::Generate);
  for (const CompiledPolicy* p : policies) {
    if (!hasRules(*p, Stage::Generate)) continue;
    // Generated objects belong to the object, not to one of its pods: the policy applies when
    // it matches any of them, and the rule is judged on the first it matches.
    MatchInput in{req, set.settings, &object, templates.roots(0)};
    std::string matchError;  // a `when` of the policy's blocks that could not be evaluated
    in.whenError = &matchError;
    bool applies = false;
    for (std::size_t i = 0; i < templates.views() && !applies && !deadline.passed(); ++i) {
      in.roots = templates.roots(i);
      applies = policyApplies(*p, in);
    }
    std::string ruleError;  // the same in a rule's blocks or an exception's
    in.whenError = &ruleError;
    for (const Rule& r : p->rules) {
      if (r.stage != Stage::Generate) continue;
      Mode mode = effectiveMode(*p, r, options);
      if (deadline.passed()) {
        addExpired(out.results, *p, r, mode);
        continue;
      }
      if (!matchError.empty()) {
        addResult(out.results, *p, r, mode, Outcome::Error, matchError);
        continue;
      }
      ruleError.clear();
      std::string why = !applies ? "not matched" : ruleSkip(set, *p, r, in);
      if (!ruleError.empty()) {
        addResult(out.results, *p, r, mode, Outcome::Error, std::move(ruleError));
        continue;
      }
      if (why.empty() && req.dryRun) why = "dry run: nothing is generated";
      if (!why.empty()) {
        addResult(out.results, *p, r, mode, Outcome::Skip, why);
        continue;
      }
      GeneratorResult g;
      if (std::string thrown; threw([&] { g = r.generator->generate(req, object); }, thrown))
        g.error = std::move(thrown);
      if (!g.error.empty()) {
        addResult(out.results, *p, r, mode, Outcome::Error, std::move(g.error));
        continue;
      }
      if (!g.object) {
        addResult(out.results, *p, r, mode, Outcome::Skip, std::move(g.skipReason));
        continue;
      }
      const json::Value* kind = g.object->find("kind");
      const json::Value* name = dig(*g.object, {"metadata", "name"});
      const json::Text* k = kind ? kind->ifString() : nullptr;
      const json::Text* nm = name ? name->ifString() : nullptr;
      std::string what = (k ? k->str() : "") + "/" + (nm ? nm->str() : "");
      addResult(out.results, *p, r, mode, Outcome::Pass, "generates " + what);
      out.generated.push_back({p->name, r.name, std::move(*g.object)});
    }
  }
  return out;
}

}  // namespace billet::policy
