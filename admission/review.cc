// AdmissionReview in, AdmissionReview out: the request handler without the network.
#include "admission/review.h"

#include "admission/evaluation.h"
#include "admission/scale.h"
#include "json/base64.h"
#include "json/parse.h"
#include "json/write.h"
#include "policy/compiled.h"

namespace billet::admission {
namespace {

using json::Value;

const json::Text* stringAt(const Value& v, std::string_view key) {
  const Value* f = v.find(key);
  return f ? f->ifString() : nullptr;
}

std::string stringOr(const Value& v, std::string_view key) {
  const json::Text* s = stringAt(v, key);
  return s ? s->str() : std::string();
}

// Checks the envelope and fills the engine's view of the request. Returns a reason on failure.
std::string readRequest(const Value& doc, policy::AdmissionRequest& req, std::string& apiVersion) {
  if (!doc.isObject()) return "not an AdmissionReview: the body is not a JSON object";
  const json::Text* kind = stringAt(doc, "kind");
  if (!kind || *kind != "AdmissionReview")
    return "not an AdmissionReview: kind must be AdmissionReview";
  const json::Text* av = stringAt(doc, "apiVersion");
  if (!av || (*av != "admission.k8s.io/v1" && *av != "admission.k8s.io/v1beta1"))
    return "not an AdmissionReview: apiVersion must be admission.k8s.io/v1 or "
           "admission.k8s.io/v1beta1";
  apiVersion = *av;
  const Value* r = doc.find("request");
  if (!r || !r->isObject()) return "not an AdmissionReview: missing request";
  const json::Text* uid = stringAt(*r, "uid");
  if (!uid || uid->empty()) return "missing request.uid";
  req.uid = *uid;
  req.request = r;
  if (const Value* k = r->find("kind"); k && k->isObject()) {
    req.group = stringOr(*k, "group");
    req.version = stringOr(*k, "version");
    req.kind = stringOr(*k, "kind");
  }
  if (req.kind.empty()) return "missing request.kind.kind";
  req.namespace_ = stringOr(*r, "namespace");
  req.name = stringOr(*r, "name");
  req.subResource = stringOr(*r, "subResource");
  const json::Text* op = stringAt(*r, "operation");
  if (!op || !policy::parseOperation(*op, req.operation))
    return "request.operation must be CREATE, UPDATE, DELETE or CONNECT";
  if (const Value* u = r->find("userInfo"); u && u->isObject()) {
    req.username = stringOr(*u, "username");
    if (const Value* g = u->find("groups"); g && g->isArray()) {
      req.groups.reserve(g->asArray().size());
      for (const Value& x : g->asArray())
        if (x.isString()) req.groups.emplace_back(x.asString());
    }
  }
  if (const Value* d = r->find("dryRun"); d && d->isBool()) req.dryRun = d->asBool();
  const Value* obj = r->find("object");
  if (obj && !obj->isNull()) {
    if (!obj->isObject()) return "request.object must be an object";
    req.object = obj;
  }
  const Value* old = r->find("oldObject");
  if (old && !old->isNull()) {
    if (!old->isObject()) return "request.oldObject must be an object";
    req.oldObject = old;
  }
  bool needsObject =
      req.operation == policy::Operation::Create || req.operation == policy::Operation::Update;
  if (needsObject && !req.object) return "missing request.object";
  return {};
}

void writeStatus(std::string& out, const std::string& message) {
  out += R"(,"status":{"code":403,"reason":"Forbidden","message":)";
  json::writeString(message, out);
  out += '}';
}

}  // namespace

std::string readReview(std::string_view body, Review& review, std::size_t maxValues) {
  base::Result<json::Value> parsed =
      json::parseDeferred(body, review.tape, json::kDefaultMaxDepth, maxValues);
  // The parser's errors say what they are ("invalid JSON: … at byte N", "JSON nesting deeper
  // than 512", "document too large: …"): a prefix would double the first and mislabel the rest.
  if (!parsed.ok()) return std::move(parsed.error);
  review.document = std::move(parsed.value);
  return readRequest(review.document, review.request, review.apiVersion);
}

AdmissionReply badReview(std::string reason) {
  AdmissionReply r;
  r.status = 400;
  r.contentType = "text/plain; charset=utf-8";
  r.body = std::move(reason);
  r.allowed = false;
  return r;
}

std::string validateResponse(const std::string& apiVersion, const std::string& uid,
                             const ValidateDecision& v) {
  std::string out;
  out.reserve(256);
  out += R"({"apiVersion":)";
  json::writeString(apiVersion, out);
  out += R"(,"kind":"AdmissionReview","response":{"uid":)";
  json::writeString(uid, out);
  out += v.allowed ? R"(,"allowed":true)" : R"(,"allowed":false)";
  if (!v.allowed) writeStatus(out, v.message);
  if (!v.warnings.empty()) {
    out += R"(,"warnings":[)";
    for (std::size_t i = 0; i < v.warnings.size(); ++i) {
      if (i) out += ',';
      json::writeString(v.warnings[i], out);
    }
    out += ']';
  }
  if (!v.auditAnnotations.empty()) {
    out += R"(,"auditAnnotations":{)";
    for (std::size_t i = 0; i < v.auditAnnotations.size(); ++i) {
      if (i) out += ',';
      json::writeString(v.auditAnnotations[i].first, out);
      out += ':';
      json::writeString(v.auditAnnotations[i].second, out);
    }
    out += '}';
  }
  out += "}}";
  return out;
}

AdmissionReply handleReview(const policy::PolicySet& set, Endpoint endpoint, std::string_view body,
                            std::size_t maxValues, const policy::EvalOptions& options) {
  Review review;
  if (std::string reason = readReview(body, review, maxValues); !reason.empty())
    return badReview(std::move(reason));
  return answerReview(set, endpoint, review, options);
}

AdmissionReply answerReview(const policy::PolicySet& set, Endpoint endpoint, const Review& review,
                            const policy::EvalOptions& options) {
  if (endpoint == Endpoint::Validate) {
    if (std::optional<ScaleTarget> target = scaleTarget(review))
      return answerScale(set, review, *target, nullptr, kWorkloadsUnread, options);
  }
  const policy::AdmissionRequest& req = review.request;
  const std::string& apiVersion = review.apiVersion;

  AdmissionReply reply;
  reply.kind = req.kind;
  reply.apiVersion = req.group.empty() ? req.version : req.group + "/" + req.version;
  if (req.object) {
    if (const json::Value* uid = json::dig(*req.object, {"metadata", "uid"});
        uid && uid->isString())
      reply.objectUid = uid->asString();
  }
  reply.operation = std::string(policy::name(req.operation));
  reply.uid = req.uid;
  reply.namespace_ = req.namespace_;
  reply.name = req.object ? policy::objectName(req, req.object) : req.name;
  reply.dryRun = req.dryRun;

  Evaluation e = evaluate(
      set, req, endpoint == Endpoint::Mutate ? Stages::kMutate : Stages::kValidate, options);
  reply.results = std::move(e.results);
  if (endpoint == Endpoint::Validate) {
    reply.allowed = e.validate.allowed;
    reply.body = validateResponse(apiVersion, req.uid, e.validate);
    return reply;
  }
  std::string& out = reply.body;
  // Room for the envelope and the patch's base64, so that the body is allocated once.
  out.reserve(256 + (e.mutate.patch.size() + 2) / 3 * 4);
  out += R"({"apiVersion":)";
  json::writeString(apiVersion, out);
  out += R"(,"kind":"AdmissionReview","response":{"uid":)";
  json::writeString(req.uid, out);
  reply.allowed = e.mutate.allowed;
  if (!reply.allowed) {
    out += R"(,"allowed":false)";
    writeStatus(out, e.mutate.message);
  } else {
    out += R"(,"allowed":true)";
    if (e.mutate.patchOperations > 0) {
      out += R"(,"patchType":"JSONPatch","patch":")";
      const std::size_t patchAt = out.size();
      out += e.mutate.patch;
      json::base64EncodeTail(out, patchAt);
      out += '"';
    }
    reply.generated = std::move(e.generated);
  }
  out += "}}";
  return reply;
}

}  // namespace billet::admission
