// Which documents of the files a user names are Kubernetes objects to evaluate.
//
// Inputs are repositories and cluster dumps: beside the manifests sit kustomize files, Helm
// charts and values, tool configuration, AdmissionReviews and comment-only files. Those are
// skipped with one note each, never fatal, when met in a directory; a file named on the command
// line that holds no object at all is an error, and so is YAML or JSON that does not parse (the
// other files are still read, so a run reports everything it can).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
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
#include "base/utf8.h"
#include "cli/json_kubectl_numbers.h"
#include "cli/json_sequence.h"
#include "cli/json_stream.h"
#include "cli/kubectl_json_or_yaml.h"
#include "cli/offline.h"
#include "cli/spool.h"
#include "cli/utf16_decoding.h"
#include "cli/yaml_kubectl_decoding.h"
#include "cli/yaml_stream.h"
#include "json/parse.h"
#include "kube/kinds.h"

namespace billet::cli {
namespace {

namespace fs = std::filesystem;

std::string str(const json::Value* v) {
  return v && v->isString() ? std::string(v->asString()) : "";
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

// An input with the bytes read to decide what it holds put back in front.
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

// An input whose bytes are also kept, as they are read, for a pipe that may have to be read again.
class KeptInput final : public std::streambuf {
 public:
  KeptInput(std::streambuf* source, Spool& kept) : source_(source), kept_(kept), buffer_(1 << 16) {}

 protected:
  int_type underflow() override {
    const std::streamsize n =
        source_->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (n <= 0) return traits_type::eof();
    kept_.append(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::streambuf* source_;
  Spool& kept_;
  std::vector<char> buffer_;
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

  // Where a YAML text read by readYaml() is in its file, when it is not the whole of it.
  struct YamlPlace {
    int lines = 0;    // before its first line
    int columns = 0;  // before its first column, on its first line
    std::function<void(policy::LoadError&)> firstError;  // may change an error before it is given
    std::function<void()> handed;                        // a document was handed over
  };

  // Where a JSON error is, as file:line:col: billet's parser gives a byte offset in `piece`, which
  // starts at `start` in `text`.
  policy::LoadError jsonError(const std::string& name, std::string_view text, std::size_t start,
                              std::string message) {
    int line = 0, column = 0;
    if (auto at = message.rfind(" at byte "); at != std::string::npos) {
      const std::size_t offset = start + std::stoul(message.substr(at + 9));
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
    return {name, line, column, "", std::move(message)};
  }

  // An input kubectl reads as JSON first (kubectl_json_or_yaml.h), whole in `text` (after a
  // byte order mark), with billet's own JSON parser (the one `review` and the server use), so
  // that both read the same text the same way. `firstHanded`: the first value was a List whose
  // items the file's stream has already handed over.
  int readJsonThenYaml(const std::string& name, const std::string& text, bool firstHanded,
                       std::string& firstSkip) {
    int n = 0, decoded = 0;
    std::size_t pos = 0, lastEnd = 0;
    int line = 1;  // of `pos`
    for (;;) {
      const std::size_t start = skipJsonBlanks(text, pos);
      line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos),
                                          text.begin() + static_cast<std::ptrdiff_t>(start), '\n'));
      pos = start;
      if (pos == text.size()) return n;
      const std::size_t end = jsonValueEnd(text, pos);
      const std::string_view piece =
          std::string_view(text).substr(pos, end == std::string_view::npos ? end : end - pos);
      base::Result<json::Value> doc = json::parse(piece);
      if (doc.ok()) {
        if (++decoded > 1 || !firstHanded)
          if (numbersAsSent(doc.value, name, line))
            n += addDocument(std::move(doc.value), name, line, firstSkip);
        lastEnd = end == std::string_view::npos ? text.size() : end;
        line += static_cast<int>(std::count(piece.begin(), piece.end(), '\n'));
        pos = lastEnd;
        continue;
      }
      policy::LoadError refused = jsonError(name, text, pos, std::move(doc.error));
      // After two values the input is JSON for kubectl, and the error ends it; so it does when
      // the List's items already evaluated would be read again as YAML.
      if (decoded >= 2 || (decoded == 0 && firstHanded)) {
        error(std::move(refused));
        return n;
      }
      const std::optional<std::size_t> yaml = yamlStartAfterJson(text, lastEnd);
      if (!yaml) {
        error(std::move(refused));
        return n;
      }
      return n + readYamlAfterJson(name, text, *yaml, std::move(refused), firstSkip);
    }
  }

  // The rest of `text` from `from` as YAML, kubectl's reading after JSON values: positions are
  // the file's, and the first document's error, if it has one, is the JSON error `refused`.
  int readYamlAfterJson(const std::string& name, const std::string& text, std::size_t from,
                        policy::LoadError refused, std::string& firstSkip) {
    const base::LineColumn at = base::lineColumnAt(text, from);
    std::istringstream rest(text.substr(from));
    bool handedAny = false;
    YamlPlace place;
    place.lines = at.line - 1;
    place.columns = at.column - 1;
    place.firstError = [&](policy::LoadError& e) {
      if (!handedAny) e = refused;
    };
    place.handed = [&] { handedAny = true; };
    return readYaml(name, rest, firstSkip, &place);
  }

  // One value of a JSON file after another, as each ends; a List's items are handed over one at
  // a time (json_stream.h). `handed` is set when a List's item was.
  YamlStreamCallbacks jsonCallbacks(const std::string& name, int& count, std::string& skip,
                                    bool& handed) {
    YamlStreamCallbacks callbacks;
    int* n = &count;
    std::string* firstSkip = &skip;
    bool* itemHanded = &handed;
    callbacks.document = [this, name, n, firstSkip](json::Value v, int line) {
      if (numbersAsSent(v, name, line)) *n += addDocument(std::move(v), name, line, *firstSkip);
    };
    callbacks.listItem = [this, name, n, firstSkip, itemHanded](json::Value v, int line) {
      *itemHanded = true;
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

  // A UTF-8 byte order mark (Windows editors write one) is dropped before kubectl reads a file,
  // and billet's positions on the first line are counted after it.
  static constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

  // JSON read as kubectl reads it, from `in` (after a byte order mark): one object, a List's most
  // of all (a cluster dump), is handed over as it is read, never held whole; anything else needs
  // the input's whole text, which `whole` gives.
  int readJsonStreamed(const std::string& name, std::istream& in,
                       const std::function<base::Result<std::string>()>& whole,
                       std::string& firstSkip) {
    int n = 0;
    bool handed = false;
    if (readJsonStream(in, jsonCallbacks(name, n, firstSkip, handed)) == JsonStreamResult::kDone)
      return n;
    base::Result<std::string> text = whole();
    if (!text.ok()) {
      error({name, 0, 0, "", text.error});
      return n;
    }
    return n + readJsonThenYaml(name, text.value, handed, firstSkip);
  }

  // YAML one document, or one List item, at a time (yaml_stream.h); `place` when the text is
  // only the end of its file.
  int readYaml(const std::string& name, std::istream& in, std::string& firstSkip,
               YamlPlace* place = nullptr) {
    int n = 0;
    bool any = false;
    bool errorGiven = false;
    auto give = [&](policy::LoadError e) {
      if (place) {
        if (e.line == 1) e.column += place->columns;
        if (e.line > 0) e.line += place->lines;
        if (!errorGiven && place->firstError) place->firstError(e);
      }
      errorGiven = true;
      error(std::move(e));
    };
    auto handed = [&] {
      any = true;
      if (place && place->handed) place->handed();
    };
    auto at = [&](int line) { return place && line > 0 ? line + place->lines : line; };
    YamlStreamCallbacks callbacks;
    callbacks.document = [&](json::Value v, int line) {
      handed();
      n += addDocument(std::move(v), name, at(line), firstSkip);
    };
    callbacks.listItem = [&](json::Value v, int line) {
      handed();
      n += add(std::move(v), name, at(line), firstSkip) ? 1 : 0;
    };
    callbacks.list = [&](int) {
      handed();
      if (firstSkip.empty()) firstSkip = "a List without items";
    };
    callbacks.error = [&](const YamlStreamError& e) {
      any = true;  // the file held something: the error says what
      give({name, e.line, e.column, e.field, e.message});
    };
    callbacks.skipped = [&](int line, const std::string& why) {
      handed();
      note(name, at(line), why);
      if (firstSkip.empty()) firstSkip = why;
    };
    YamlStreamError failure;
    if (!readYamlStream(in, callbacks, failure, yamlReadWorkers())) {
      give({name, failure.line, failure.column, failure.field, failure.message});
      return n;
    }
    if (!any && !place) {
      note(name, 0, "empty or comments only");
      firstSkip = "empty or comments only";
    }
    return n;
  }

  // An input read as kubectl reads it (kubectl_json_or_yaml.h): JSON first when it starts like
  // JSON, YAML as it comes otherwise. The bytes read to decide are put back in front, so that a
  // pipe (standard input, `-f <(kubectl get …)`) is read once; a regular file that starts like
  // JSON is read again by its name, so that a List in it is streamed, never held whole.
  int readInput(const std::string& name, std::streambuf* in, bool regularFile,
                std::string& firstSkip) {
    std::string head(kJsonSniffBytes + kUtf8Bom.size(), '\0');
    const std::streamsize got = in->sgetn(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    // UTF-16 is decoded first, as kubectl decodes it (utf16_decoding.h); the text it gives is
    // then read as any other, once.
    if (startsWithUtf16Bom(head)) {
      PrefixedInput utf16(std::move(head), in);
      Utf16Decoding utf8(&utf16);
      return readInput(name, &utf8, false, firstSkip);
    }
    const std::size_t bom = head.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
    if (!startsLikeJson(std::string_view(head).substr(bom))) {
      PrefixedInput prefixed(std::move(head), in);
      std::istream yaml(&prefixed);
      return readYaml(name, yaml, firstSkip);
    }
    // kubectl decodes JSON as UTF-8 with replacement too, before its JSON decoder reads it.
    PrefixedInput afterBom(head.substr(bom), in);
    KubectlDecoding utf8(&afterBom, std::size_t{1} << 16, KubectlDecoding::Reader::kJson, bom > 0);
    if (regularFile) {
      std::istream json(&utf8);
      return readJsonStreamed(
          name, json,
          [&name] {
            base::Result<std::string> text = base::readFile(name);
            const bool marked = text.ok() && text.value.starts_with(kUtf8Bom);
            if (marked) text.value.erase(0, kUtf8Bom.size());
            if (text.ok()) text.value = decodedForJson(std::move(text.value), marked);
            return text;
          },
          firstSkip);
    }
    // A pipe is read once: what the stream reads is kept aside (in a temporary file past a few
    // megabytes), in case the whole text is needed after all.
    Spool kept;
    KeptInput keeping(&utf8, kept);
    std::istream json(&keeping);
    return readJsonStreamed(
        name, json,
        [&kept, &utf8] {
          std::ostringstream all;
          kept.copyTo(all);
          all << std::string(std::istreambuf_iterator<char>(&utf8), {});
          base::Result<std::string> text;
          text.value = std::move(all).str();
          return text;
        },
        firstSkip);
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
      n = readInput("-", std::cin.rdbuf(), false, firstSkip);
    } else if (fs::path(name).filename() == "Chart.yaml") {
      firstSkip = "Helm chart metadata, not a Kubernetes object";
      note(name, 0, firstSkip);
    } else if (std::ifstream in(name, std::ios::binary); !in) {
      error({name, 0, 0, "", std::string("cannot read file: ") + std::strerror(errno)});
    } else {
      std::error_code ec;  // whatever its name, as kubectl reads it
      n = readInput(name, in.rdbuf(), fs::is_regular_file(name, ec), firstSkip);
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
