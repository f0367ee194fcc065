// The loader's stages, shared by its translation units (not part of the public API):
//   parse YAML -> check each document's schema and decode it -> compile paths, regexes,
//   quantities -> order and index -> check for conflicts.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "policy/compiled.h"
#include "policy/decode.h"

namespace billet::policy {

// A field a rule sets to a fixed value, for conflict detection (SPEC §4.3).
struct Assignment {
  std::string field;  // e.g. nodeSelector["nvidia.com/gpu.present"]
  std::string value;
  std::string policy, rule;
  // Where the rule applies: every block of `matches` holds and none of `excludes` (the
  // policy's and the rule's own; a NodePool's members).
  std::vector<Match> matches, excludes;
};

struct DecodeState {
  Decoder& d;
  const Settings* settings = nullptr;  // available once Settings are decoded (ServiceGroup tiers)
  std::vector<Assignment>* assignments = nullptr;
  std::vector<std::string>* warnings = nullptr;
  // The ServiceGroups, decoded before every Policy (a rule's `serviceGroup: NAME` names one).
  const std::vector<CompiledPolicy>* serviceGroups = nullptr;
};

// Match blocks. `defaults` applies the match defaults (operations CREATE, UPDATE).
std::optional<Match> decodeMatch(Decoder& d, const YAML::Node& n, const std::string& path,
                                 bool defaults);
// `inForEach`: the conditions of a validate forEach, where `element` and `elementKey` are defined.
std::optional<Condition> decodeCondition(Decoder& d, const YAML::Node& n, const std::string& path,
                                         bool inForEach = false);
std::vector<Condition> decodeConditions(Decoder& d, const YAML::Node& n, const std::string& path,
                                        bool inForEach = false);
std::optional<LabelSelector> decodeSelector(Decoder& d, const YAML::Node& n,
                                            const std::string& path);
// A quantity string, checked; nullopt (with an error) when it does not parse.
std::optional<std::string> decodeQuantity(Decoder& d, const YAML::Node& n, const std::string& path);
std::vector<std::pair<std::string, std::string>> decodeResourceList(Decoder& d, const YAML::Node& n,
                                                                    const std::string& path);

std::optional<Mode> decodeMode(Decoder& d, const YAML::Node& n, const std::string& path);

// Rules of a Policy.
std::optional<Rule> decodeRule(DecodeState& s, const YAML::Node& n, const std::string& path,
                               const CompiledPolicy& policy);

// The last stage: a warning per pair of rules that set a field to different values and can apply
// to the same object.
void checkConflicts(const std::vector<Assignment>& assignments, std::vector<std::string>& warnings);

// Kinds.
std::optional<CompiledPolicy> decodePolicy(DecodeState& s, const YAML::Node& doc);
std::optional<Settings> decodeSettings(Decoder& d, const YAML::Node& doc);
std::optional<PolicyExceptionSpec> decodeException(Decoder& d, const YAML::Node& doc);
std::optional<CompiledPolicy> decodeServiceGroup(DecodeState& s, const YAML::Node& doc);
std::optional<CompiledPolicy> decodeNodePool(DecodeState& s, const YAML::Node& doc);

// metadata.name (DNS-1123 subdomain) and metadata.annotations; returns the name.
std::optional<std::string> decodeMetadata(
    Decoder& d, const YAML::Node& doc,
    std::vector<std::pair<std::string, std::string>>* annotations);

}  // namespace billet::policy
