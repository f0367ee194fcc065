#include "cli/output.h"

#include "json/write.h"
#include "json/yaml.h"

namespace billet::cli {
namespace {

using json::Value;

Value str(const std::string& s) {
  return Value::string(s);
}

std::string indent(const std::string& text, int n) {
  std::string out;
  bool lineStart = true;
  for (char c : text) {
    if (lineStart) out.append(static_cast<std::size_t>(n), ' ');
    out += c;
    lineStart = c == '\n';
  }
  return out;
}

Value reportToJson(const ResourceReport& rep, const OutputOptions& o) {
  const Resource& r = *rep.resource;
  Value v = Value::object();
  v.set("apiVersion", str(r.apiVersion));
  v.set("kind", str(r.kind));
  if (!r.namespace_.empty()) v.set("namespace", str(r.namespace_));
  v.set("name", str(r.name));
  v.set("file", str(r.file));
  v.set("line", Value::number(r.line));
  json::Array results;
  for (const policy::RuleResult& res : rep.results) results.push_back(resultToJson(res));
  v.set("results", Value::array(std::move(results)));
  v.set("patch", rep.patch);
  json::Array generated;
  for (const policy::Generated& g : rep.generated) generated.push_back(g.object);
  v.set("generated", Value::array(std::move(generated)));
  if (o.patched) v.set("patched", rep.patched);
  if (o.explain) {
    json::Array changes;
    for (const policy::Change& c : rep.changes) {
      Value ch = Value::object();
      ch.set("path", str(c.pointer));
      ch.set("policy", str(c.policy));
      ch.set("rule", str(c.rule));
      if (!c.detail.empty()) ch.set("detail", str(c.detail));
      changes.push_back(std::move(ch));
    }
    v.set("changes", Value::array(std::move(changes)));
  }
  if (!rep.notes.empty()) {
    json::Array notes;
    for (const std::string& n : rep.notes) notes.push_back(str(n));
    v.set("notes", Value::array(std::move(notes)));
  }
  return v;
}

Value summaryToJson(const policy::Summary& s) {
  Value v = Value::object();
  v.set("pass", Value::number(s.pass));
  v.set("fail", Value::number(s.fail));
  v.set("warn", Value::number(s.warn));
  v.set("error", Value::number(s.error));
  v.set("skip", Value::number(s.skip));
  return v;
}

Value allToJson(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  Value root = Value::object();
  json::Array list;
  for (const ResourceReport& rep : reports) list.push_back(reportToJson(rep, o));
  root.set("resources", Value::array(std::move(list)));
  root.set("summary", summaryToJson(summarize(reports)));
  return root;
}

}  // namespace

Value resultToJson(const policy::RuleResult& r) {
  Value v = Value::object();
  v.set("policy", str(r.policy));
  v.set("rule", str(r.rule));
  v.set("stage", str(std::string(policy::name(r.stage))));
  v.set("mode", str(std::string(policy::name(r.mode))));
  v.set("result", str(std::string(policy::name(r.outcome))));
  if (!r.message.empty()) v.set("message", str(r.message));
  return v;
}

policy::Summary summarize(const std::vector<ResourceReport>& reports) {
  policy::Summary s;
  for (const ResourceReport& r : reports) s.add(r.results);
  return s;
}

std::string renderText(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  std::string out;
  for (const ResourceReport& rep : reports) {
    out += rep.resource->id() + "  (" + rep.resource->file + ":" +
           std::to_string(rep.resource->line) + ")\n";
    for (const policy::RuleResult& r : rep.results) {
      if (r.outcome == policy::Outcome::Skip && !o.showSkips) continue;
      std::string label(policy::name(r.outcome));
      label.resize(6, ' ');
      out += "  " + label + r.policy + "/" + r.rule;
      if (!r.message.empty()) out += ": " + r.message;
      out += '\n';
    }
    for (const std::string& n : rep.notes) out += "  note  " + n + "\n";
    if (o.explain)
      for (const policy::Change& c : rep.changes)
        out += "  " + c.pointer + "  <- " + c.policy + "/" + c.rule +
               (c.detail.empty() ? "" : " (" + c.detail + ")") + "\n";
    if (o.patches) out += "  patch: " + json::write(rep.patch) + "\n";
    for (const policy::Generated& g : rep.generated)
      out +=
          "  generates (" + g.policy + "/" + g.rule + "):\n" + indent(json::writeYaml(g.object), 4);
    if (o.patched) out += "---\n" + json::writeYaml(rep.patched);
  }
  out += summarize(reports).line() + "\n";
  return out;
}

std::string renderJson(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  return json::writePretty(allToJson(reports, o)) + "\n";
}

std::string renderYaml(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  return json::writeYaml(allToJson(reports, o));
}

std::string renderPatchedYaml(const std::vector<ResourceReport>& reports) {
  std::string out;
  for (const ResourceReport& rep : reports) out += "---\n" + json::writeYaml(rep.patched);
  return out;
}

std::string escapeMarkup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' ? ' ' : c;
    }
  }
  return out;
}

}  // namespace billet::cli
