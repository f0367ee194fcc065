// Documents from text: the files callers read (base/files.h) turned into YAML nodes and JSON
// values. Nothing in policy/ touches the filesystem.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "base/files.h"
#include "json/value.h"
#include "policy/policy_set.h"

namespace billet::policy {

struct Document {
  std::string file;
  YAML::Node node;
  int line = 0;  // 1-based line where the document (or List item) starts
};

// The YAML documents of a source, each a node (null for an empty or comment-only document).
// False, with the error's position, when the text is not YAML or an alias expands too far.
bool loadYaml(const base::TextFile& source, std::vector<YAML::Node>& nodes,
              std::vector<LoadError>& errors);

// Multi-document YAML (JSON is YAML); empty documents are skipped and `kind: List` is expanded
// into its items. Syntax errors are reported with their position.
void parseDocuments(const base::TextFile& source, std::vector<Document>& out,
                    std::vector<LoadError>& errors);

// A YAML node as JSON, its plain scalars resolved as kubectl resolves them (yaml_scalar.h: YAML 1.1
// booleans, octal 0755, 1_000, ...); quoted scalars are always strings.
json::Value toValue(const YAML::Node& node);

}  // namespace billet::policy
