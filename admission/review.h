// The admission request handler: AdmissionReview JSON in, AdmissionReview JSON out.
//
// `billet review` and the server's POST /mutate and /validate answer this function's body, byte
// for byte. It reads the envelope, evaluates through admission::evaluate (the one evaluation
// path, evaluation.h) and serializes the decision. It does no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "admission/evaluation.h"
#include "json/parse.h"
#include "policy/request.h"
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

// A parsed AdmissionReview: the document, and the engine's view of its request, which points
// into the document (so a Review is neither copied nor moved).
struct Review {
  json::Document tape;  // what `document` is built from as it is read (json/document.h)
  json::Value document;
  policy::AdmissionRequest request;
  std::string apiVersion;  // admission.k8s.io/v1 or v1beta1: the response is in the same

  Review() = default;
  Review(const Review&) = delete;
  Review& operator=(const Review&) = delete;
};

// Parses and checks an AdmissionReview into `review`: empty on success, else the one-line reason
// a 400 carries. maxValues bounds the parsed document (json::parse).
std::string readReview(std::string_view body, Review& review,
                       std::size_t maxValues = json::kNoValueLimit);

// The answer to a review readReview accepted. A scale of a Deployment or StatefulSet at
// /validate is answered without its workload (admission/scale.h): allowed, with a warning saying
// kWorkloadsUnread; the server reads the workload and calls answerScale itself. `options`
// carries the server's per-request deadline; `billet review` passes none.
AdmissionReply answerReview(const policy::PolicySet& set, Endpoint endpoint, const Review& review,
                            const policy::EvalOptions& options = {});
inline constexpr std::string_view kWorkloadsUnread = "billet reads workloads only with --kube-api";

// The 400 for a review readReview refused, with its reason.
AdmissionReply badReview(std::string reason);

// The body of a /validate answer: an AdmissionReview in `apiVersion` for request `uid`.
std::string validateResponse(const std::string& apiVersion, const std::string& uid,
                             const ValidateDecision& decision);

// readReview, then answerReview (or badReview). maxValues bounds the parsed document
// (json::parse); past it the reply is a 400.
AdmissionReply handleReview(const policy::PolicySet& set, Endpoint endpoint, std::string_view body,
                            std::size_t maxValues = json::kNoValueLimit,
                            const policy::EvalOptions& options = {});

}  // namespace billet::admission
