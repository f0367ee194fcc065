// Where policy and resource documents come from: files, directories, stdin, or text in memory.
//
// files.cc is the one place in policy/ that touches the filesystem (reading the documents a
// user names); everything after it works on text and parsed nodes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "json/value.h"
#include "policy/policy_set.h"

namespace billet::policy {

struct TextSource {
  std::string name;  // the file as given ("-" for stdin)
  std::string text;
  // False when the file was found by walking a directory: a named file that holds nothing
  // usable is an error, a file met in a directory is skipped with a note.
  bool named = true;
};

struct Document {
  std::string file;
  YAML::Node node;
  int line = 0;  // 1-based line where the document (or List item) starts
};

// Files or directories (recursively *.yaml, *.yml, *.json, sorted); "-" reads stdin once.
// Unreadable paths are reported in `errors`.
std::vector<TextSource> readSources(const std::vector<std::string>& paths,
                                    std::vector<LoadError>& errors);

// The YAML documents of a source, each a node (null for an empty or comment-only document).
// False, with the error's position, when the text is not YAML or an alias expands too far.
bool loadYaml(const TextSource& source, std::vector<YAML::Node>& nodes,
              std::vector<LoadError>& errors);

// Multi-document YAML (JSON is YAML); empty documents are skipped and `kind: List` is expanded
// into its items. Syntax errors are reported with their position.
void parseDocuments(const TextSource& source, std::vector<Document>& out,
                    std::vector<LoadError>& errors);

// A YAML node as JSON, its plain scalars resolved as kubectl resolves them (yaml_scalar.h: YAML 1.1
// booleans, octal 0755, 1_000, ...); quoted scalars are always strings.
json::Value toValue(const YAML::Node& node);

}  // namespace billet::policy
