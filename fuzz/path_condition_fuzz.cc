// Fuzz target for paths and conditions (policy/path, policy/condition): compiled from a policy's
// text, evaluated against the objects of admission requests.
//
// Input: the first line is a condition, `PATH [OP [VALUE]]` (VALUE is YAML, as in a policy:
// `[a, b]` for In, `^evil` for Matches, `2Gi` for GreaterThan); the rest is a JSON document.
// A condition is compiled by the loader's own decodeCondition, so its errors are the ones a
// policy author sees, and must each be one line. A path that compiles is read with every root
// bound to the document (oldObject missing, elementKey a string), and the condition evaluated
// under both quantifiers: it never crashes or hangs, an evaluation error is one line and never
// holds, and the deciding slot is one of the slots read.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "policy/alias_guard.h"
#include "policy/condition.h"
#include "policy/decode.h"
#include "policy/loader_internal.h"
#include "policy/path.h"

namespace {

using namespace billet;

constexpr std::size_t kMaxInput = 64 * 1024;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "path_condition_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void checkOneLine(const char* what, const std::string& text) {
  if (text.find('\n') != std::string::npos || text.find('\r') != std::string::npos)
    fail(what, text);
}

// VALUE as the loader would see it; text YAML cannot read stays a plain string. Aliases are
// bounded as the loader bounds them (more tightly, to keep each run fast).
YAML::Node yamlValue(const std::string& text) {
  if (!policy::checkAliasExpansion(text, {10'000, 10'000}).ok()) return YAML::Node(text);
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception&) {
    return YAML::Node(text);
  }
}

bool sameSlot(const policy::Slot& a, const policy::Slot& b) {
  return a.value == b.value && a.container == b.container && a.key == b.key;
}

void evaluateBoth(const policy::Condition& c, const policy::Slots& slots) {
  for (policy::Quantifier q : {policy::Quantifier::Any, policy::Quantifier::Every}) {
    const policy::ConditionOutcome out = policy::evaluate(c, slots, q);
    if (!out.error.empty()) {
      checkOneLine("an evaluation error spans lines", out.error);
      if (out.holds) fail("a condition with an error holds", out.error);
    }
    if (out.witness.value || out.witness.container || out.witness.key) {
      bool found = false;
      for (const policy::Slot& s : slots) found = found || sameSlot(s, out.witness);
      if (!found) fail("the deciding slot is not one of the slots read", c.text);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string line(input.substr(0, nl));
  const std::string_view docText =
      nl == std::string_view::npos ? std::string_view("null") : input.substr(nl + 1);

  // PATH [OP [VALUE]], split at the first two spaces.
  const std::size_t sp1 = line.find(' ');
  const std::string pathText = line.substr(0, sp1);
  std::optional<std::string> opText, valueText;
  if (sp1 != std::string::npos) {
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    opText = line.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
    if (sp2 != std::string::npos) valueText = line.substr(sp2 + 1);
  }

  // The path alone, then the condition through the loader.
  policy::Path path;
  std::string pathError;
  const bool pathOk = policy::parsePath(pathText, path, pathError);
  if (!pathOk && pathError.empty()) fail("a path fails without an error", pathText);

  YAML::Node node(YAML::NodeType::Map);
  node["path"] = pathText;
  node["op"] = opText.value_or("Exists");
  if (valueText) node["value"] = yamlValue(*valueText);
  std::vector<policy::LoadError> errors;
  policy::Decoder decoder("fuzz.yaml", errors);
  std::optional<policy::Condition> condition =
      policy::decodeCondition(decoder, node, "when[0]", /*inForEach=*/true);
  for (const policy::LoadError& e : errors) checkOneLine("a load error spans lines", e.format());
  if (condition.has_value() == !errors.empty())
    fail("a condition compiles with errors, or fails without one", line);
  if (condition && !pathOk) fail("a condition compiles with a path that does not", line);
  if (!pathOk) return 0;

  const billet::base::Result<json::Value> doc = json::parse(docText);
  if (!doc.ok()) return 0;
  const json::Value elementKey = json::Value::string("key");
  policy::PathRoots roots;
  roots.object = roots.request = roots.pod = roots.podMetadata = &doc.value;
  roots.cluster = roots.element = &doc.value;
  roots.elementKey = &elementKey;

  policy::Slots slots;
  policy::readPath(path, roots, slots);
  if (condition) {
    policy::Slots again;
    policy::readPath(condition->path, roots, again);
    if (again.size() != slots.size()) fail("the compiled path reads differently", line);
    evaluateBoth(*condition, slots);
  }
  return 0;
}
