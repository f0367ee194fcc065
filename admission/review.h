// The admission request handler: AdmissionReview JSON in, AdmissionReview JSON out.
//
// This is the one evaluation path shared by `billet review` and the server's POST /mutate and
// /validate: for any input both return this function's body, byte for byte. It does no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "policy/result.h"

namespace billet::policy {
class PolicySet;
}

namespace billet::admission {

enum class Endpoint { Mutate, Validate };

struct AdmissionReply {
  int status = 200;  // 200, or 400 for a request that is not a valid AdmissionReview
  std::string body;  // the AdmissionReview response, or a one-line reason for 400
  std::string contentType = "application/json";
  // For metrics and logs.
  std::string kind;        // request.kind.kind
  std::string apiVersion;  // request.kind as group/version ("v1" for the core group)
  std::string objectUid;   // object.metadata.uid; empty on CREATE, where it is not assigned yet
  std::string operation;   // request.operation
  std::string uid, namespace_, name;
  bool allowed = true;
  bool dryRun = false;
  std::vector<policy::RuleResult> results;
  std::vector<policy::Generated> generated;  // /mutate only; applied after admission in cluster
};

// maxValues bounds the parsed document (json::parse); past it the reply is a 400.
AdmissionReply handleReview(const policy::PolicySet& set, Endpoint endpoint, std::string_view body,
                            std::size_t maxValues = json::kNoValueLimit);

}  // namespace billet::admission
