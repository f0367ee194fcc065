// Which documents of the files a user names are Kubernetes objects to evaluate.
//
// Inputs are repositories and cluster dumps: beside the manifests sit kustomize files, Helm
// charts and values, tool configuration, AdmissionReviews and comment-only files. Those are
// skipped with one note each, never fatal, when met in a directory; a file named on the command
// line that holds no object at all is an error, and so is YAML or JSON that does not parse (the
// other files are still read, so a run reports everything it can).
#include <filesystem>
#include <optional>
#include <set>

#include "cli/offline.h"
#include "cli/inputs.h"
#include "json/parse.h"
#include "policy/source.h"

namespace billet::cli {
namespace {

namespace fs = std::filesystem;

std::string str(const json::Value* v) {
  return v && v->isString() ? v->asString() : "";
}

std::string groupOf(const std::string& apiVersion) {
  auto slash = apiVersion.find('/');
  return slash == std::string::npos ? "" : apiVersion.substr(0, slash);
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Helm's values.yaml and its variants (values-prod.yaml, values.gpu.yaml).
bool isHelmValuesName(const std::string& file) {
  std::string base = fs::path(file).filename().string();
  return base.rfind("values", 0) == 0 && (endsWith(base, ".yaml") || endsWith(base, ".yml"));
}

// A file inside the templates/ directory of a Helm chart: Go templates, not manifests, until
// `helm template` renders them. Returns the templates directory.
std::optional<std::string> helmTemplatesDir(const std::string& file) {
  for (fs::path dir = fs::path(file).parent_path(); !dir.empty() && dir != dir.parent_path();
       dir = dir.parent_path()) {
    if (dir.filename() == "templates") {
      std::error_code ec;
      if (fs::exists(dir.parent_path() / "Chart.yaml", ec)) return dir.string();
    }
  }
  return std::nullopt;
}

// Why a document is not an object the API server would store, or nullopt when it is one.
std::optional<std::string> notAnObject(const json::Value& v, const std::string& file) {
  if (!v.isObject()) {
    return v.isArray() ? "a list at the top level, not a Kubernetes object"
                       : "a scalar, not a Kubernetes object";
  }
  std::string apiVersion = str(v.find("apiVersion")), kind = str(v.find("kind"));
  if (apiVersion.empty() || kind.empty()) {
    return isHelmValuesName(file) ? "Helm values, not a Kubernetes object"
                                  : "no apiVersion/kind: not a Kubernetes object";
  }
  std::string group = groupOf(apiVersion);
  if (group == "kustomize.config.k8s.io") return "kustomize configuration (kind: " + kind + ")";
  if (group == "admission.k8s.io") return "an AdmissionReview (billet review reads these)";
  if (group == "billet.dev") return "a billet document (kind: " + kind + "), not a cluster object";
  if (endsWith(group, ".config.k8s.io") || group == "kubeadm.k8s.io")
    return "tool configuration (kind: " + kind + ")";
  const json::Value* meta = v.find("metadata");
  if (meta && !meta->isObject()) return std::nullopt;  // broken: an error, reported by add()
  if (str(meta ? meta->find("name") : nullptr).empty() &&
      str(meta ? meta->find("generateName") : nullptr).empty())
    return "kind " + kind + " without metadata.name: not an object the API server stores";
  return std::nullopt;
}

struct FileReader {
  const Identity& identity;
  LoadedResources& out;
  std::set<std::string> helmTemplateDirs;  // noted once each

  void note(const std::string& file, int line, const std::string& why) {
    out.notes.push_back(file + (line ? ":" + std::to_string(line) : "") + ": skipped: " + why);
  }

  // One document (or List item); returns true when it became a resource.
  bool add(json::Value v, const std::string& file, int line, std::string& firstSkip) {
    if (auto why = notAnObject(v, file)) {
      note(file, line, *why);
      if (firstSkip.empty()) firstSkip = *why;
      return false;
    }
    Resource r;
    r.file = file;
    r.line = line;
    r.apiVersion = str(v.find("apiVersion"));
    r.kind = str(v.find("kind"));
    const json::Value* meta = v.find("metadata");
    if (meta && !meta->isObject()) {
      out.errors.push_back({file, line, 1, "metadata", "metadata must be a mapping"});
      return false;
    }
    r.name = str(meta ? meta->find("name") : nullptr);
    if (r.name.empty()) {
      // The API server names it on CREATE; until then it is shown as the prefix and a star.
      r.name = str(meta->find("generateName")) + "*";
      r.generateName = true;
    }
    if (!isClusterScoped(r.kind)) {
      r.namespace_ = str(meta->find("namespace"));
      if (r.namespace_.empty()) r.namespace_ = identity.defaultNamespace;
    }
    r.object = std::move(v);
    out.resources.push_back(std::move(r));
    return true;
  }

  // A document: a `kind: List` adds its items.
  int addDocument(json::Value v, const std::string& file, int line,
                  const std::vector<int>& itemLines, std::string& firstSkip) {
    if (v.isObject() && str(v.find("kind")) == "List") {
      json::Value* items = v.find("items");
      if (!items || items->isNull()) return 0;
      if (!items->isArray()) {
        out.errors.push_back({file, line, 1, "items", "a List's items must be a sequence"});
        return 0;
      }
      int n = 0;
      std::size_t i = 0;
      for (json::Value& item : items->asArray()) {
        int itemLine = i < itemLines.size() ? itemLines[i] : line;
        ++i;
        n += add(std::move(item), file, itemLine, firstSkip) ? 1 : 0;
      }
      return n;
    }
    return add(std::move(v), file, line, firstSkip) ? 1 : 0;
  }

  // JSON with billet's own parser (the one `review` and the server use), so that both read the
  // same text the same way. Parse errors carry a byte offset, turned into line:col here.
  int readJson(const base::TextFile& s, std::string& firstSkip) {
    base::Result<json::Value> doc = json::parse(s.text);
    if (!doc.ok()) {
      std::string message = doc.error;
      int line = 0, column = 0;
      if (auto at = message.rfind(" at byte "); at != std::string::npos) {
        std::size_t offset = std::stoul(message.substr(at + 9));
        message.resize(at);
        line = 1;
        column = 1;
        for (std::size_t i = 0; i < offset && i < s.text.size(); ++i) {
          if (s.text[i] == '\n') {
            ++line;
            column = 1;
          } else if ((static_cast<unsigned char>(s.text[i]) & 0xC0) != 0x80) {
            ++column;
          }
        }
      }
      out.errors.push_back({s.name, line, column, "", message});
      return 0;
    }
    int line = 1;
    for (char c : s.text.substr(0, s.text.find_first_not_of(" \t\r\n"))) line += c == '\n' ? 1 : 0;
    return addDocument(std::move(doc.value), s.name, line, {}, firstSkip);
  }

  int readYaml(const base::TextFile& s, std::string& firstSkip) {
    std::vector<YAML::Node> nodes;
    if (!policy::loadYaml(s, nodes, out.errors)) return 0;
    int n = 0;
    bool any = false;
    for (const YAML::Node& node : nodes) {
      if (!node || node.IsNull()) continue;  // an empty document, e.g. after a final "---"
      any = true;
      std::vector<int> itemLines;
      if (node.IsMap())
        if (const YAML::Node items = node["items"]; items && items.IsSequence())
          for (const YAML::Node& item : items) itemLines.push_back(item.Mark().line + 1);
      n += addDocument(policy::toValue(node), s.name, node.Mark().line + 1, itemLines, firstSkip);
    }
    if (!any) {
      note(s.name, 0, "empty or comments only");
      firstSkip = "empty or comments only";
    }
    return n;
  }

  void read(const base::TextFile& s) {
    if (!s.named) {
      if (auto templates = helmTemplatesDir(s.name)) {
        if (helmTemplateDirs.insert(*templates).second)
          note(*templates, 0, "Helm chart templates (render them with `helm template` first)");
        return;
      }
    }
    std::string firstSkip;
    int n = 0;
    std::size_t errorsBefore = out.errors.size(), notesBefore = out.notes.size();
    if (fs::path(s.name).filename() == "Chart.yaml") {
      firstSkip = "Helm chart metadata, not a Kubernetes object";
      note(s.name, 0, firstSkip);
    } else if (s.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      firstSkip = "empty or comments only";  // an empty .json file is not broken JSON
      note(s.name, 0, firstSkip);
    } else {
      // Standard input has no name to tell JSON (`kubectl get -o json`) from YAML: JSON when it
      // parses as JSON, else YAML (which also reads a YAML flow mapping starting with "{").
      bool stdinJson = s.name == "-" && s.text[s.text.find_first_not_of(" \t\r\n")] == '{' &&
                       json::parse(s.text).ok();
      n = endsWith(s.name, ".json") || stdinJson ? readJson(s, firstSkip) : readYaml(s, firstSkip);
    }
    if (s.named && n == 0 && out.errors.size() == errorsBefore) {
      out.notes.resize(notesBefore);  // the error says it once
      out.errors.push_back({s.name, 0, 0, "", "holds no Kubernetes object: " + firstSkip});
    }
  }
};

}  // namespace

LoadedResources readResources(const std::vector<std::string>& paths, const Identity& identity) {
  LoadedResources out;
  FileReader reader{identity, out, {}};
  for (const base::TextFile& s : readInputs(paths)) {
    if (!s.error.empty())
      out.errors.push_back({s.name, 0, 0, "", s.error});
    else
      reader.read(s);
  }
  return out;
}

std::vector<Resource> loadResources(const std::vector<std::string>& paths, const Identity& identity,
                                    std::vector<policy::LoadError>& errors) {
  LoadedResources loaded = readResources(paths, identity);
  errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  return std::move(loaded.resources);
}

}  // namespace billet::cli
