// Strict decoding of policy documents: every field known, every type checked, every error kept
// with its file, line, column and field path, so one load reports all of its mistakes.
//
//   Decoder d(file, errors);
//   if (d.map(node, "spec", {"mode", "rules"})) {
//     auto mode = d.oneOf(node["mode"], "spec.mode", {"Enforce", "Warn", "Audit"});
//   }
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy_set.h"

namespace billet::policy {

std::string childPath(const std::string& path, std::string_view key);
std::string indexPath(const std::string& path, std::size_t i);

class Decoder {
 public:
  Decoder(std::string file, std::vector<LoadError>& errors)
      : file_(std::move(file)), errors_(errors) {}

  const std::string& file() const { return file_; }
  std::size_t errorCount() const { return errors_.size(); }
  void fail(const YAML::Node& at, const std::string& path, std::string message);

  // A mapping; keys outside `allowed` and duplicates are reported. False only for a non-mapping.
  bool map(const YAML::Node& n, const std::string& path,
           std::initializer_list<std::string_view> allowed);
  // A mapping with arbitrary string keys (labels, resources).
  bool anyMap(const YAML::Node& n, const std::string& path);
  bool seq(const YAML::Node& n, const std::string& path);

  // Scalars. An absent node (`!n`) yields nullopt without an error; use `required` for that.
  std::optional<std::string> str(const YAML::Node& n, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& path);
  std::optional<std::int64_t> integer(const YAML::Node& n, const std::string& path,
                                      std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  // One of `values` (exact); returns its index.
  std::optional<int> oneOf(const YAML::Node& n, const std::string& path,
                           std::initializer_list<std::string_view> values);
  std::vector<std::string> strList(const YAML::Node& n, const std::string& path);
  // A string-to-string map, in document order.
  std::vector<std::pair<std::string, std::string>> strMap(const YAML::Node& n,
                                                          const std::string& path);
  // Reports "missing required field" when absent.
  bool required(const YAML::Node& parent, const YAML::Node& n, const std::string& path);

 private:
  std::string file_;
  std::vector<LoadError>& errors_;
};

}  // namespace billet::policy
