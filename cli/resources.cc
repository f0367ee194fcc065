// Which documents of the files a user names are Kubernetes objects to evaluate.
//
// Inputs are repositories and cluster dumps: beside the manifests sit kustomize files, Helm
// charts and values, tool configuration, AdmissionReviews and comment-only files. Those are
// skipped with one note each, never fatal, when met in a directory; a file named on the command
// line that holds no object at all is an error, and so is YAML or JSON that does not parse (the
// other files are still read, so a run reports everything it can).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <streambuf>
#include <string_view>

#include "base/files.h"
#include "base/names.h"
#include "base/text.h"
#include "cli/json_kubectl_numbers.h"
#include "cli/json_sequence.h"
#include "cli/json_stream.h"
#include "cli/offline.h"
#include "cli/yaml_stream.h"
#include "json/parse.h"
#include "kube/kinds.h"

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
  // A List is expanded at the top of a document; one among a List's items is not.
  if (kind == "List") return "a List among a List's items (only the outer List is expanded)";
  const json::Value* meta = v.find("metadata");
  if (meta && !meta->isObject()) return std::nullopt;  // broken: an error, reported by add()
  if (str(meta ? meta->find("name") : nullptr).empty() &&
      str(meta ? meta->find("generateName") : nullptr).empty())
    return "kind " + kind + " without metadata.name: not an object the API server stores";
  // A namespace that is no namespace name: most often a template's placeholder (`${NAMESPACE}`,
  // filled in by envsubst before kubectl sees the file). As it is, the API server refuses it
  // (and a PolicyReport named after it).
  if (const std::string ns = str(meta ? meta->find("namespace") : nullptr);
      !ns.empty() && !kube::isClusterScopedKind(kind) && !base::isDns1123Label(ns))
    return "metadata.namespace \"" + base::oneLine(ns) +
           "\" is not a namespace name (a template to render first?): not an object the API "
           "server stores";
  return std::nullopt;
}

// Standard input with the blanks read before deciding what it holds put back in front.
class PrefixedInput final : public std::streambuf {
 public:
  PrefixedInput(std::string prefix, std::streambuf* rest)
      : prefix_(std::move(prefix)), rest_(rest), buffer_(1 << 16) {}

 protected:
  int_type underflow() override {
    if (!prefixServed_) {
      prefixServed_ = true;
      if (!prefix_.empty()) {
        setg(prefix_.data(), prefix_.data(), prefix_.data() + prefix_.size());
        return traits_type::to_int_type(*gptr());
      }
    }
    const std::streamsize n =
        rest_->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (n <= 0) return traits_type::eof();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string prefix_;
  std::streambuf* rest_;
  std::vector<char> buffer_;
  bool prefixServed_ = false;
};

struct FileReader {
  const Identity& identity;
  const ResourceCallbacks& to;
  std::set<std::string> helmTemplateDirs;  // noted once each
  // The current file's notes, given at its end: a named file without an object is one error.
  std::vector<std::string> notes;
  std::size_t errors = 0;  // in the current file

  void note(const std::string& file, int line, const std::string& why) {
    notes.push_back(file + (line ? ":" + std::to_string(line) : "") + ": skipped: " + why);
  }
  void error(policy::LoadError e) {
    ++errors;
    to.error(e);
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
      error({file, line, 1, "metadata", "metadata must be a mapping"});
      return false;
    }
    r.name = str(meta ? meta->find("name") : nullptr);
    if (r.name.empty()) {
      // The API server names it on CREATE; until then it is shown as the prefix and a star.
      r.name = str(meta->find("generateName")) + "*";
      r.generateName = true;
    }
    if (!kube::isClusterScopedKind(r.kind)) {
      r.namespace_ = str(meta->find("namespace"));
      if (r.namespace_.empty()) {
        // The API server writes the request's namespace into an object sent without one before
        // admission, so rules reading object.metadata.namespace find it at the webhook: here too.
        r.namespace_ = identity.defaultNamespace;
        v["metadata"].set("namespace", json::Value::string(r.namespace_));
        r.namespacePlaced = true;
      }
    }
    r.object = std::move(v);
    to.resource(r);
    return true;
  }

  // A document: a list adds its items. kubectl takes any object whose `items` is a sequence for
  // one, whatever its kind (a `PodList` from the API), and a `kind: List` without items for an
  // empty one.
  int addDocument(json::Value v, const std::string& file, int line, std::string& firstSkip) {
    const json::Value* listItems = v.isObject() ? v.find("items") : nullptr;
    if (v.isObject() && (str(v.find("kind")) == "List" || (listItems && listItems->isArray()))) {
      json::Value* items = v.find("items");
      if (!items || items->isNull() || (items->isArray() && items->size() == 0)) {
        if (firstSkip.empty()) firstSkip = "a List without items";
        return 0;
      }
      if (!items->isArray()) {
        error({file, line, 1, "items", "a List's items must be a sequence"});
        return 0;
      }
      int n = 0;
      for (json::Value& item : items->asArray()) {
        n += add(std::move(item), file, line, firstSkip) ? 1 : 0;
        item = json::Value();  // evaluated: its memory goes now, not with the List
      }
      return n;
    }
    return add(std::move(v), file, line, firstSkip) ? 1 : 0;
  }

  // A JSON input's object with its numbers as kubectl sends them (json_kubectl_numbers.h); false,
  // with the error given, for one kubectl refuses.
  bool numbersAsSent(json::Value& v, const std::string& file, int line) {
    std::optional<RefusedNumber> refused = numbersAsKubectlSends(v);
    if (!refused) return true;
    error({file, line, 1, std::move(refused->path), std::move(refused->message)});
    return false;
  }

  // JSON with billet's own parser (the one `review` and the server use), so that both read the
  // same text the same way. Parse errors carry a byte offset, turned into line:col here. Objects
  // one after another (`jq -c` output) are documents one after another, as kubectl reads them.
  int readJson(const std::string& name, const std::string& text, std::string& firstSkip) {
    std::vector<JsonPiece> pieces = splitJsonSequence(text);
    if (pieces.empty()) return readJsonDocument(name, text, 0, text, firstSkip);
    int n = 0;
    for (const JsonPiece& piece : pieces)
      n += readJsonDocument(name, text, piece.offset, piece.text, firstSkip);
    return n;
  }

  // One document of `whole`, the piece at `start`.
  int readJsonDocument(const std::string& name, const std::string& whole, std::size_t start,
                       std::string_view piece, std::string& firstSkip) {
    const std::string_view text = whole;
    base::Result<json::Value> doc = json::parse(piece);
    if (!doc.ok()) {
      std::string message = doc.error;
      int line = 0, column = 0;
      if (auto at = message.rfind(" at byte "); at != std::string::npos) {
        std::size_t offset = start + std::stoul(message.substr(at + 9));
        message.resize(at);
        line = 1;
        column = 1;
        for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
          if (text[i] == '\n') {
            ++line;
            column = 1;
          } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
          }
        }
      }
      error({name, line, column, "", message});
      return 0;
    }
    int line = 1;
    const std::size_t first =
        std::min(text.size(), start + std::min(piece.size(), piece.find_first_not_of(" \t\r\n")));
    for (char c : text.substr(0, first)) line += c == '\n' ? 1 : 0;
    if (!numbersAsSent(doc.value, name, line)) return 0;
    return addDocument(std::move(doc.value), name, line, firstSkip);
  }

  // A JSON file may start with a UTF-8 byte order mark (Windows editors write one): kubectl reads
  // the file after it, and so does billet; positions on the first line are counted after it.
  static constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  static void skipUtf8Bom(std::istream& in) {
    char head[3] = {};
    in.read(head, 3);
    if (in.gcount() == 3 && std::string_view(head, 3) == kUtf8Bom) return;
    in.clear();
    in.seekg(0);
  }

  // A JSON file whose top level is an object, a List's items one at a time (json_stream.h);
  // any other, and the position of an error, from the whole text.
  int readJsonFile(const std::string& name, std::string& firstSkip) {
    int n = 0;
    JsonStreamResult streamed = JsonStreamResult::kInvalid;
    {
      std::ifstream in(name, std::ios::binary);
      if (!in) {
        error({name, 0, 0, "", std::string("cannot read file: ") + std::strerror(errno)});
        return 0;
      }
      skipUtf8Bom(in);
      streamed = readJsonStream(in, jsonCallbacks(name, n, firstSkip));
    }
    if (streamed == JsonStreamResult::kDone) return n;
    if (streamed == JsonStreamResult::kEmpty) {
      firstSkip = "empty or comments only";  // an empty .json file is not broken JSON
      note(name, 0, firstSkip);
      return 0;
    }
    base::Result<std::string> text = base::readFile(name);
    if (!text.ok()) {
      error({name, 0, 0, "", text.error});
      return n;
    }
    if (text.value.starts_with(kUtf8Bom)) text.value.erase(0, kUtf8Bom.size());
    if (streamed == JsonStreamResult::kNotAnObject) return readJson(name, text.value, firstSkip);
    // Objects one after another: the stream stopped at the second. A List first had its items
    // handed over as they came; any other first object was not.
    if (std::vector<JsonPiece> pieces = splitJsonSequence(text.value); !pieces.empty()) {
      for (std::size_t k = n > 0 ? 1 : 0; k < pieces.size(); ++k)
        n += readJsonDocument(name, text.value, pieces[k].offset, pieces[k].text, firstSkip);
      return n;
    }
    // Invalid: only the error is wanted from the whole text (what came before it was read).
    if (json::parse(text.value).ok())
      error({name, 0, 0, "", "invalid JSON"});  // cannot happen: the pieces did not parse
    else
      readJson(name, text.value, firstSkip);
    return n;
  }

  YamlStreamCallbacks jsonCallbacks(const std::string& name, int& count, std::string& skip) {
    YamlStreamCallbacks callbacks;
    int* n = &count;
    std::string* firstSkip = &skip;
    callbacks.document = [this, name, n, firstSkip](json::Value v, int line) {
      if (numbersAsSent(v, name, line)) *n += addDocument(std::move(v), name, line, *firstSkip);
    };
    callbacks.listItem = [this, name, n, firstSkip](json::Value v, int line) {
      if (numbersAsSent(v, name, line)) *n += add(std::move(v), name, line, *firstSkip) ? 1 : 0;
    };
    // A List's end: when nothing of the file was an object, the reason is that it was empty.
    callbacks.list = [firstSkip](int) {
      if (firstSkip->empty()) *firstSkip = "a List without items";
    };
    callbacks.error = [this, name](const YamlStreamError& e) {
      error({name, e.line, e.column, e.field, e.message});
    };
    return callbacks;
  }

  // YAML one document, or one List item, at a time (yaml_stream.h).
  int readYaml(const std::string& name, std::istream& in, std::string& firstSkip) {
    int n = 0;
    bool any = false;
    YamlStreamCallbacks callbacks;
    callbacks.document = [&](json::Value v, int line) {
      any = true;
      n += addDocument(std::move(v), name, line, firstSkip);
    };
    callbacks.listItem = [&](json::Value v, int line) {
      any = true;
      n += add(std::move(v), name, line, firstSkip) ? 1 : 0;
    };
    callbacks.list = [&](int) {
      any = true;
      if (firstSkip.empty()) firstSkip = "a List without items";
    };
    callbacks.error = [&](const YamlStreamError& e) {
      any = true;  // the file held something: the error says what
      error({name, e.line, e.column, e.field, e.message});
    };
    callbacks.skipped = [&](int line, const std::string& why) {
      any = true;
      note(name, line, why);
      if (firstSkip.empty()) firstSkip = why;
    };
    YamlStreamError failure;
    if (!readYamlStream(in, callbacks, failure, yamlReadWorkers())) {
      error({name, failure.line, failure.column, failure.field, failure.message});
      return n;
    }
    if (!any) {
      note(name, 0, "empty or comments only");
      firstSkip = "empty or comments only";
    }
    return n;
  }

  // Standard input has no name to tell JSON (`kubectl get -o json`) from YAML: JSON when it
  // parses as JSON, else YAML (which also reads a YAML flow mapping starting with "{"). Only
  // what starts with "{" is read whole to find out; YAML is read as it comes.
  int readStdin(std::string& firstSkip) {
    std::string blanks;
    std::streambuf* in = std::cin.rdbuf();
    for (int c = in->sgetc(); c != EOF && std::string_view(" \t\r\n").find(static_cast<char>(c)) !=
                                              std::string_view::npos;
         c = in->snextc())
      blanks += static_cast<char>(c);
    if (in->sgetc() == EOF) {
      firstSkip = "empty or comments only";
      note("-", 0, firstSkip);
      return 0;
    }
    if (in->sgetc() == '{') {
      std::string text = blanks + std::string(std::istreambuf_iterator<char>(in), {});
      if (json::parse(text).ok() || !splitJsonSequence(text).empty())
        return readJson("-", text, firstSkip);
      std::istringstream yaml(text);
      return readYaml("-", yaml, firstSkip);
    }
    PrefixedInput prefixed(std::move(blanks), in);
    std::istream yaml(&prefixed);
    return readYaml("-", yaml, firstSkip);
  }

  void read(const std::string& name, bool named) {
    if (!named) {
      if (auto templates = helmTemplatesDir(name)) {
        if (helmTemplateDirs.insert(*templates).second) {
          note(*templates, 0, "Helm chart templates (render them with `helm template` first)");
          flushNotes();
        }
        return;
      }
    }
    std::string firstSkip;
    int n = 0;
    errors = 0;
    if (name == "-") {
      n = readStdin(firstSkip);
    } else if (fs::path(name).filename() == "Chart.yaml") {
      firstSkip = "Helm chart metadata, not a Kubernetes object";
      note(name, 0, firstSkip);
    } else if (endsWith(name, ".json")) {
      n = readJsonFile(name, firstSkip);
    } else {
      std::ifstream in(name, std::ios::binary);
      if (!in)
        error({name, 0, 0, "", std::string("cannot read file: ") + std::strerror(errno)});
      else
        n = readYaml(name, in, firstSkip);
    }
    if (named && n == 0 && errors == 0) {
      notes.clear();  // the error says it once
      error({name, 0, 0, "",
             firstSkip.empty() ? std::string("holds no Kubernetes object")
                               : "holds no Kubernetes object: " + firstSkip});
    }
    flushNotes();
  }

  void flushNotes() {
    for (const std::string& n : notes) to.note(n);
    notes.clear();
  }
};

}  // namespace

void streamResources(const std::vector<std::string>& paths, const Identity& identity,
                     const ResourceCallbacks& callbacks) {
  FileReader reader{identity, callbacks, {}, {}, 0};
  bool stdinRead = false;
  for (const std::string& path : paths) {
    if (path == "-") {
      if (!stdinRead) reader.read("-", true);
      stdinRead = true;
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      callbacks.error({path, 0, 0, "", "no such file or directory"});
      continue;
    }
    if (!fs::is_directory(st)) {
      reader.read(path, true);
      continue;
    }
    base::Result<std::vector<std::string>> found = base::documentFilesUnder(path);
    if (!found.ok()) callbacks.error({path, 0, 0, "", found.error});
    for (const std::string& file : found.value) reader.read(file, false);
  }
}

LoadedResources readResources(const std::vector<std::string>& paths, const Identity& identity) {
  LoadedResources out;
  ResourceCallbacks callbacks;
  callbacks.resource = [&](Resource& r) { out.resources.push_back(std::move(r)); };
  callbacks.note = [&](const std::string& n) { out.notes.push_back(n); };
  callbacks.error = [&](const policy::LoadError& e) { out.errors.push_back(e); };
  streamResources(paths, identity, callbacks);
  return out;
}

std::vector<Resource> loadResources(const std::vector<std::string>& paths, const Identity& identity,
                                    std::vector<policy::LoadError>& errors) {
  LoadedResources loaded = readResources(paths, identity);
  errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  return std::move(loaded.resources);
}

}  // namespace billet::cli
