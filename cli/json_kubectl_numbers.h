// A `.json` manifest's numbers as kubectl sends them.
//
// kubectl decodes a JSON manifest into Go values before it sends it, and the API server stores
// (and a webhook receives) what Go writes back: `1.0` as 1, `1e3` as 1000, `-0` as 0,
// 12345678901234567890 as 12345678901234567000 (policy::goJsonNumber). billet's JSON parser keeps
// a number's text as written (the server's AdmissionReviews hold the API server's own), so `lint`
// and `audit -f` rewrite a JSON input's numbers before they evaluate it: otherwise a condition
// `Equals 1` would judge `replicas: 1.0` otherwise than the cluster does, and `--patched` would
// print an object kubectl does not send. YAML scalars are already read so (policy/yaml_scalar.h).
#pragma once

#include <optional>
#include <string>

#include "json/value.h"

namespace billet::cli {

// A number kubectl refuses (past a float64's range, `1e400`): where it is and why.
struct RefusedNumber {
  std::string path;  // field path: spec.values[2].x
  std::string message;
};

// Rewrites every number of `v` that kubectl sends otherwise than written. On a number kubectl
// refuses, stops there and says which (the numbers before it may have been rewritten).
std::optional<RefusedNumber> numbersAsKubectlSends(json::Value& v);

}  // namespace billet::cli
