#include "cli/output.h"

#include <algorithm>
#include <sstream>

#include "base/text.h"
#include "cli/report_sink.h"
#include "json/write.h"
#include "json/yaml.h"

namespace billet::cli {
namespace {

using json::Value;

Value str(std::string_view s) {
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
  if (r.line > 0) v.set("line", Value::number(r.line));  // none for an object read from a cluster
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
      // The same field as the text output names it: containers by name, not by index.
      ch.set("field", str(namedPointer(rep.patched, c.pointer)));
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

namespace {

// ANSI colours for the result labels, only when OutputOptions::color says a person reads them.
const char* colorOf(policy::Outcome o) {
  switch (o) {
    case policy::Outcome::Fail:
      return "\033[31m";  // red
    case policy::Outcome::Error:
      return "\033[35m";  // magenta
    case policy::Outcome::Warn:
      return "\033[33m";  // yellow
    case policy::Outcome::Pass:
      return "\033[32m";  // green
    case policy::Outcome::Skip:
      return "\033[2m";  // dim
  }
  return "";
}

std::string label(policy::Outcome o, bool color) {
  std::string l(policy::name(o));
  l.resize(6, ' ');
  if (!color) return l;
  std::size_t word = std::string(policy::name(o)).size();
  return colorOf(o) + l.substr(0, word) + "\033[0m" + l.substr(word);
}

// A message made of one part per container ("a; b; c") is hard to read on one long line: past
// 100 characters, each part gets its own line under the rule.
std::string formatMessage(const std::string& message) {
  if (message.size() <= 100 || message.find("; ") == std::string::npos) return ": " + message;
  std::string out = ":";
  std::size_t start = 0;
  for (;;) {
    std::size_t end = message.find("; ", start);
    out += "\n          " + message.substr(start, end - start);
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

// What a manifest or a policy put in a line of text output (names, messages), its control bytes
// written as escapes: a terminal or a CI log shows them, it does not obey them.
std::string shown(std::string_view s) {
  return base::oneLine(s);
}

std::string resultLine(const policy::RuleResult& r, bool color) {
  return "  " + label(r.outcome, color) + shown(r.policy) + "/" + shown(r.rule) +
         (r.message.empty() ? "" : formatMessage(shown(r.message))) + "\n";
}

// Explained changes, grouped by rule so that a rule's reason (a ServiceGroup's tier) is given
// once, with containers named by name.
std::string explainText(const ResourceReport& rep) {
  std::string out;
  std::vector<std::pair<std::string, std::string>> rules;  // policy/rule, detail
  for (const policy::Change& c : rep.changes) {
    std::string id = c.policy + "/" + c.rule;
    bool seen = false;
    for (const auto& [r, d] : rules) seen = seen || r == id;
    if (!seen) rules.emplace_back(id, c.detail);
  }
  for (const auto& [id, detail] : rules) {
    out += "  changed by " + shown(id) + (detail.empty() ? "" : " (" + shown(detail) + ")") + ":\n";
    for (const policy::Change& c : rep.changes)
      if (c.policy + "/" + c.rule == id)
        out += "    " + c.op + " " + shown(namedPointer(rep.patched, c.pointer)) + "\n";
  }
  return out;
}

}  // namespace

std::string namedPointer(const json::Value& object, const std::string& pointer) {
  std::string out;
  const json::Value* at = &object;
  std::string previous;
  std::size_t i = 0;
  while (i < pointer.size()) {
    std::size_t next = pointer.find('/', i + 1);
    std::string raw =
        pointer.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1);
    std::string segment = "/" + raw;
    if (at && at->isArray() &&
        (previous == "containers" || previous == "initContainers" ||
         previous == "ephemeralContainers") &&
        !raw.empty() && raw.find_first_not_of("0123456789") == std::string::npos) {
      std::size_t index = std::stoul(raw);
      const json::Value* item = index < at->asArray().size() ? &at->asArray()[index] : nullptr;
      const json::Value* name = item && item->isObject() ? item->find("name") : nullptr;
      if (name && name->isString()) segment = "[name=" + std::string(name->asString()) + "]";
      at = item;
    } else if (at && at->isObject()) {
      std::string key;  // RFC 6901: ~1 is "/", ~0 is "~"
      for (std::size_t k = 0; k < raw.size(); ++k) {
        if (raw[k] == '~' && k + 1 < raw.size()) {
          key += raw[k + 1] == '1' ? '/' : '~';
          ++k;
        } else {
          key += raw[k];
        }
      }
      at = at->find(key);
    } else {
      at = nullptr;
    }
    out += segment;
    previous = raw;
    if (next == std::string::npos) break;
    i = next;
  }
  return out;
}

namespace {

// Why no rule passed, failed or warned: nothing matches it, or what matched was excepted or had
// nothing to do (a Node already tainted); an exception that silences every rule must show.
std::string whyNothing(const ResourceReport& rep, const OutputOptions& o) {
  if (!rep.idle.empty()) return shown(rep.idle);
  constexpr std::string_view kExcepted = "excepted by ";
  std::size_t excepted = 0, idle = 0;
  std::vector<std::string> by;
  for (const policy::RuleResult& r : rep.results) {
    if (r.message.rfind(kExcepted, 0) == 0) {
      ++excepted;
      std::string name = r.message.substr(kExcepted.size());
      if (std::find(by.begin(), by.end(), name) == by.end()) by.push_back(std::move(name));
    } else if (r.message != "not matched") {
      ++idle;
    }
  }
  const std::string more = o.showSkips || rep.results.empty() ? "" : " (--show-skips)";
  if (excepted == 0 && idle == 0) return "no rule matches it" + more;
  auto rules = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " rule" : " rules"); };
  std::string out;
  if (excepted) {
    out += rules(excepted) + " excepted by ";
    for (std::size_t i = 0; i < by.size(); ++i) out += (i ? ", " : "") + shown(by[i]);
  }
  if (idle) out += std::string(excepted ? "; " : "") + rules(idle) + " matched with nothing to do";
  return out + more;
}

// One resource's lines in the text output.
std::string textBlock(const ResourceReport& rep, const OutputOptions& o) {
  using policy::Outcome;
  std::string out = shown(rep.resource->id()) + "  (" + shown(rep.resource->file) +
                    (rep.resource->line ? ":" + std::to_string(rep.resource->line) : "") + ")\n";
  // What needs attention first, then what held.
  int passes = 0;
  for (Outcome wanted : {Outcome::Fail, Outcome::Error, Outcome::Warn})
    for (const policy::RuleResult& r : rep.results)
      if (r.outcome == wanted) out += resultLine(r, o.color);
  for (const policy::RuleResult& r : rep.results) {
    if (r.outcome != Outcome::Pass) continue;
    ++passes;
    if (o.verbose) out += resultLine(r, o.color);
  }
  if (passes && !o.verbose)
    out += "  " + label(Outcome::Pass, o.color) + std::to_string(passes) +
           (passes == 1 ? " rule" : " rules") + "\n";
  if (o.showSkips)
    for (const policy::RuleResult& r : rep.results)
      if (r.outcome == Outcome::Skip) out += resultLine(r, o.color);
  bool evaluated = false;
  for (const policy::RuleResult& r : rep.results)
    evaluated = evaluated || r.outcome != Outcome::Skip;
  if (!evaluated) out += "  nothing to evaluate: " + whyNothing(rep, o) + "\n";
  for (const std::string& n : rep.notes) out += "  note  " + shown(n) + "\n";
  if (o.explain) out += explainText(rep);
  if (o.patches) out += "  patch: " + json::write(rep.patch) + "\n";
  for (const policy::Generated& g : rep.generated)
    out +=
        "  generates (" + g.policy + "/" + g.rule + "):\n" + indent(json::writeYaml(g.object), 4);
  if (o.patched) out += "---\n" + json::writeYaml(rep.patched);
  return out;
}

// Each resource's block as it comes, the summary line last.
class TextSink final : public ReportSink {
 public:
  TextSink(const OutputOptions& o, std::ostream& out) : o_(o), out_(out) {}
  void add(const ResourceReport& rep) override {
    out_ << textBlock(rep, o_);
    summary_.add(rep.results);
  }
  void finish() override { out_ << summary_.line() << "\n"; }

 private:
  OutputOptions o_;
  std::ostream& out_;
  policy::Summary summary_;
};

// {"resources": [...], "summary": {...}} written element by element, byte for byte as
// json::writePretty writes the whole document.
class JsonSink final : public ReportSink {
 public:
  JsonSink(const OutputOptions& o, std::ostream& out) : o_(o), out_(out) {}
  void add(const ResourceReport& rep) override {
    out_ << (count_ ? ",\n    " : "{\n  \"resources\": [\n    ")
         << base::indentTail(json::writePretty(reportToJson(rep, o_)), 4);
    ++count_;
    summary_.add(rep.results);
  }
  void finish() override {
    out_ << (count_ ? "\n  ],\n  \"summary\": " : "{\n  \"resources\": [],\n  \"summary\": ")
         << base::indentTail(json::writePretty(summaryToJson(summary_)), 2) << "\n}\n";
  }

 private:
  OutputOptions o_;
  std::ostream& out_;
  std::size_t count_ = 0;
  policy::Summary summary_;
};

// The same document as block YAML, as json::writeYaml writes it whole.
class YamlSink final : public ReportSink {
 public:
  YamlSink(const OutputOptions& o, std::ostream& out) : o_(o), out_(out) {}
  void add(const ResourceReport& rep) override {
    json::Array one;
    one.push_back(reportToJson(rep, o_));
    out_ << (count_ ? "" : "resources:\n") << json::writeYaml(Value::array(std::move(one)));
    ++count_;
    summary_.add(rep.results);
  }
  void finish() override {
    Value tail = Value::object();
    tail.set("summary", summaryToJson(summary_));
    out_ << (count_ ? "" : "resources: []\n") << json::writeYaml(tail);
  }

 private:
  OutputOptions o_;
  std::ostream& out_;
  std::size_t count_ = 0;
  policy::Summary summary_;
};

// The objects `kubectl apply -f -` should get (--patched): a YAML stream, or with --output json
// one JSON List, written as each resource comes.
class PatchedObjectsSink final : public ReportSink {
 public:
  PatchedObjectsSink(std::ostream& out, bool json) : out_(out), json_(json) {}
  // The stream is for `kubectl apply -f -`, which should make what the cluster would. An object
  // the webhook refuses is never stored, so the objects generated for it are never applied (the
  // applier finds no owner): they are left out. An object written without a namespace lands in
  // kubectl's current one: it is printed without the one it was evaluated in, and its generated
  // objects without one too, to land beside it.
  void add(const ResourceReport& rep) override {
    const bool placedByKubectl = rep.resource && rep.resource->namespacePlaced;
    put(rep.patched, placedByKubectl);
    if (rep.enforceFailure || rep.refused) return;
    for (const policy::Generated& g : rep.generated) put(g.object, placedByKubectl);
  }
  void finish() override {
    if (json_)
      out_ << (count_ ? "\n]}\n"
                      : R"({"apiVersion": "v1", "kind": "List", "items": []})"
                        "\n");
  }

 private:
  void put(const json::Value& object, bool withoutNamespace) {
    if (withoutNamespace) {
      json::Value copy = object;
      if (json::Value* m = copy.find("metadata")) m->erase("namespace");
      put(copy, false);
      return;
    }
    if (!json_) {
      out_ << "---\n" << json::writeYaml(object);
    } else {
      out_ << (count_ ? ",\n"
                      : R"({"apiVersion": "v1", "kind": "List", "items": [)"
                        "\n")
           << json::write(object);
    }
    ++count_;
  }
  std::ostream& out_;
  bool json_;
  std::size_t count_ = 0;
};

std::string renderAll(ReportSink& sink, const std::ostringstream& out,
                      const std::vector<ResourceReport>& reports) {
  for (const ResourceReport& rep : reports) sink.add(rep);
  sink.finish();
  return out.str();
}

}  // namespace

std::unique_ptr<ReportSink> patchedObjectsSink(std::ostream& out, bool json) {
  return std::make_unique<PatchedObjectsSink>(out, json);
}

std::unique_ptr<ReportSink> outputSink(const std::string& format, const OutputOptions& o,
                                       std::ostream& out) {
  if (format == "json") return std::make_unique<JsonSink>(o, out);
  if (format == "yaml") return std::make_unique<YamlSink>(o, out);
  if (format == "policyreport") return policyReportSink(out);
  if (format == "sarif") return sarifSink(out);
  if (format == "junit") return junitSink(out);
  return std::make_unique<TextSink>(o, out);
}

std::string render(const std::string& format, const std::vector<ResourceReport>& reports,
                   const OutputOptions& o) {
  std::ostringstream out;
  return renderAll(*outputSink(format, o, out), out, reports);
}

std::string renderText(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  return render("text", reports, o);
}

std::string renderJson(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  return render("json", reports, o);
}

std::string renderYaml(const std::vector<ResourceReport>& reports, const OutputOptions& o) {
  return render("yaml", reports, o);
}

std::string renderPatchedYaml(const std::vector<ResourceReport>& reports) {
  std::ostringstream out;
  return renderAll(*patchedObjectsSink(out, false), out, reports);
}

std::string escapeMarkup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    // U+FFFE and U+FFFF are not XML characters at all, escaped or not: U+FFFD stands for them.
    if (c == '\xef' && i + 2 < s.size() && s[i + 1] == '\xbf' &&
        (s[i + 2] == '\xbe' || s[i + 2] == '\xbf')) {
      out += "\xef\xbf\xbd";
      i += 2;
      continue;
    }
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
