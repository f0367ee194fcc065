// Decoding match/exclude blocks, conditions and label selectors.
#include <algorithm>

#include "policy/loader_internal.h"
#include "policy/quantity.h"
#include "policy/source.h"
#include "policy/workload.h"

namespace billet::policy {

std::optional<Mode> decodeMode(Decoder& d, const YAML::Node& n, const std::string& path) {
  auto i = d.oneOf(n, path, {"Enforce", "Warn", "Audit"});
  if (!i) return std::nullopt;
  return static_cast<Mode>(*i);
}

std::optional<std::string> decodeQuantity(Decoder& d, const YAML::Node& n,
                                          const std::string& path) {
  auto s = d.str(n, path);
  if (!s) return std::nullopt;
  if (!Quantity::parse(*s)) {
    d.fail(n, path, "unparseable quantity \"" + *s + "\"");
    return std::nullopt;
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> decodeResourceList(Decoder& d, const YAML::Node& n,
                                                                    const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!n) return out;
  if (!d.anyMap(n, path)) return out;
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (auto q = decodeQuantity(d, kv.second, childPath(path, key))) out.emplace_back(key, *q);
  }
  return out;
}

std::optional<LabelSelector> decodeSelector(Decoder& d, const YAML::Node& n,
                                            const std::string& path) {
  if (!d.map(n, path, {"matchLabels", "matchExpressions"})) return std::nullopt;
  LabelSelector sel;
  sel.matchLabels = d.strMap(n["matchLabels"], childPath(path, "matchLabels"));
  const YAML::Node exprs = n["matchExpressions"];
  std::string ep = childPath(path, "matchExpressions");
  if (exprs && d.seq(exprs, ep)) {
    std::size_t i = 0;
    for (const YAML::Node& e : exprs) {
      std::string p = indexPath(ep, i++);
      if (!d.map(e, p, {"key", "operator", "values"})) continue;
      LabelSelector::Requirement r;
      if (d.required(e, e["key"], childPath(p, "key")))
        r.key = d.str(e["key"], childPath(p, "key")).value_or("");
      std::optional<int> op;
      if (d.required(e, e["operator"], childPath(p, "operator"))) {
        op = d.oneOf(e["operator"], childPath(p, "operator"),
                     {"In", "NotIn", "Exists", "DoesNotExist"});
        if (op) r.op = static_cast<LabelSelector::Requirement::Op>(*op);
      }
      r.values = d.strList(e["values"], childPath(p, "values"));
      // Without a known operator, what the values should be is unknown: its error is enough.
      if (!op) continue;
      bool needsValues = r.op == LabelSelector::Requirement::Op::In ||
                         r.op == LabelSelector::Requirement::Op::NotIn;
      if (needsValues && r.values.empty())
        d.fail(e, childPath(p, "values"), "In and NotIn need at least one value");
      if (!needsValues && !r.values.empty())
        d.fail(e["values"], childPath(p, "values"), "Exists and DoesNotExist take no values");
      sel.matchExpressions.push_back(std::move(r));
    }
  }
  return sel;
}

std::optional<Condition> decodeCondition(Decoder& d, const YAML::Node& n, const std::string& path,
                                         bool inForEach) {
  std::size_t before = d.errorCount();
  if (!d.map(n, path, {"path", "op", "value"})) return std::nullopt;
  Condition c;
  if (d.required(n, n["path"], childPath(path, "path"))) {
    if (auto text = d.str(n["path"], childPath(path, "path"))) {
      std::string error;
      if (!parsePath(*text, c.path, error))
        d.fail(n["path"], childPath(path, "path"), error);
      else if (!inForEach && (c.path.root == Root::Element || c.path.root == Root::ElementKey))
        d.fail(n["path"], childPath(path, "path"),
               "element and elementKey are only defined inside a validate forEach");
    }
  }
  if (d.required(n, n["op"], childPath(path, "op"))) {
    if (auto op = d.str(n["op"], childPath(path, "op"))) {
      if (auto parsed = parseOp(*op)) {
        c.op = *parsed;
      } else {
        d.fail(n["op"], childPath(path, "op"),
               "unknown condition operator \"" + *op +
                   "\" (expected Exists, NotExists, Equals, NotEquals, In, NotIn, Matches, "
                   "NotMatches, GreaterThan, GreaterOrEqual, LessThan, LessOrEqual)");
        return std::nullopt;
      }
    }
  }
  if (d.errorCount() != before) return std::nullopt;
  const YAML::Node value = n["value"];
  std::string vp = childPath(path, "value");
  if (!opNeedsValue(c.op)) {
    if (value) d.fail(value, vp, std::string(name(c.op)) + " takes no value");
  } else if (!value) {
    d.fail(n, vp, std::string(name(c.op)) + " needs a value");
  } else if (opNeedsList(c.op)) {
    if (d.seq(value, vp)) {
      std::size_t i = 0;
      for (const YAML::Node& item : value) {
        if (!item.IsScalar())
          d.fail(item, indexPath(vp, i), "expected a scalar");
        else
          c.set.push_back(item.Scalar());
        ++i;
      }
    }
  } else if (!value.IsScalar()) {
    if (c.op == Op::Equals || c.op == Op::NotEquals)
      c.value = toValue(value);
    else
      d.fail(value, vp, "expected a scalar value");
  } else {
    c.value = toValue(value);
    if (c.op == Op::Matches || c.op == Op::NotMatches) {
      RE2::Options opts;
      opts.set_log_errors(false);
      auto re = std::make_shared<RE2>(value.Scalar(), opts);
      if (!re->ok()) d.fail(value, vp, "invalid regular expression: " + re->error());
      c.regex = std::move(re);
    } else if (opIsOrdering(c.op) && !Quantity::parse(value.Scalar())) {
      d.fail(value, vp, "unparseable quantity \"" + value.Scalar() + "\"");
    }
  }
  if (d.errorCount() != before) return std::nullopt;
  c.text = c.path.text + " " + std::string(name(c.op));
  if (opNeedsValue(c.op)) {
    if (opNeedsList(c.op)) {
      std::string list;
      for (const std::string& s : c.set) list += (list.empty() ? "" : ", ") + s;
      c.text += " [" + list + "]";
    } else {
      c.text += " " + c.value.scalarText();
    }
  }
  return c;
}

std::vector<Condition> decodeConditions(Decoder& d, const YAML::Node& n, const std::string& path,
                                        bool inForEach) {
  std::vector<Condition> out;
  if (!n || !d.seq(n, path)) return out;
  std::size_t i = 0;
  for (const YAML::Node& c : n)
    if (auto cond = decodeCondition(d, c, indexPath(path, i++), inForEach))
      out.push_back(std::move(*cond));
  return out;
}

std::optional<Match> decodeMatch(Decoder& d, const YAML::Node& n, const std::string& path,
                                 bool defaults) {
  Match m;
  if (defaults) m.operations = {Operation::Create, Operation::Update};
  if (!n) return m;
  if (!d.map(n, path,
             {"kinds", "operations", "namespaces", "names", "labels", "annotations", "images",
              "containerNames", "users", "groups", "gpu", "localStorage", "replicas", "when"}))
    return std::nullopt;
  for (const std::string& k : d.strList(n["kinds"], childPath(path, "kinds"))) {
    if (k == "Workloads") {
      m.kinds.insert(m.kinds.end(), kWorkloadKinds.begin(), kWorkloadKinds.end());
      m.workloads = true;
    } else
      m.kinds.push_back(k);
  }
  if (std::find(m.kinds.begin(), m.kinds.end(), "*") != m.kinds.end()) m.kinds.clear();  // any kind
  if (const YAML::Node ops = n["operations"]) {
    m.operations.clear();
    std::string p = childPath(path, "operations");
    if (d.seq(ops, p)) {
      std::size_t i = 0;
      for (const YAML::Node& o : ops) {
        auto idx = d.oneOf(o, indexPath(p, i++), {"CREATE", "UPDATE", "DELETE", "CONNECT"});
        if (idx) m.operations.push_back(static_cast<Operation>(*idx));
      }
    }
  }
  m.namespaces = d.strList(n["namespaces"], childPath(path, "namespaces"));
  m.names = d.strList(n["names"], childPath(path, "names"));
  m.images = d.strList(n["images"], childPath(path, "images"));
  m.containerNames = d.strList(n["containerNames"], childPath(path, "containerNames"));
  m.users = d.strList(n["users"], childPath(path, "users"));
  m.groups = d.strList(n["groups"], childPath(path, "groups"));
  if (n["labels"]) m.labels = decodeSelector(d, n["labels"], childPath(path, "labels"));
  m.annotations = d.strMap(n["annotations"], childPath(path, "annotations"));
  m.gpu = d.boolean(n["gpu"], childPath(path, "gpu"));
  m.localStorage = d.boolean(n["localStorage"], childPath(path, "localStorage"));
  if (const YAML::Node r = n["replicas"]) {
    std::string p = childPath(path, "replicas");
    if (d.map(r, p, {"min", "max"})) {
      m.replicasMin = d.integer(r["min"], childPath(p, "min"), 0);
      m.replicasMax = d.integer(r["max"], childPath(p, "max"), 0);
    }
  }
  m.when = decodeConditions(d, n["when"], childPath(path, "when"));
  return m;
}

}  // namespace billet::policy
