#include "server/router.h"

#include <boost/beast/http/field.hpp>
#include <chrono>
#include <exception>

#include "admission/review.h"
#include "admission/scale.h"
#include "json/parse.h"
#include "json/value.h"
#include "kube/client.h"

namespace billet::server {

namespace {

std::string_view pathOf(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), target.size()));
}

std::string_view queryParam(std::string_view target, std::string_view key) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "application/json", "application/json; charset=utf-8", any case.
bool isJson(std::string_view contentType) {
  std::string_view media =
      contentType.substr(0, std::min(contentType.find(';'), contentType.size()));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  return iequals(media, "application/json");
}

Response methodNotAllowed(unsigned version, std::string_view allow) {
  Response res = textResponse(http::status::method_not_allowed, version, "method not allowed");
  res.set(http::field::allow, allow);
  return res;
}

void logResults(ServerState& state, admission::Endpoint endpoint,
                const admission::AdmissionReply& reply) {
  base::Logger& log = state.logger;
  for (const policy::RuleResult& r : reply.results) {
    std::string_view msg;
    base::LogLevel level = base::LogLevel::kInfo;
    if (r.outcome == policy::Outcome::Error) {
      msg = "policy error";
      level = base::LogLevel::kError;
    } else if (r.outcome == policy::Outcome::Warn) {
      msg = "policy warning";
    } else if (r.outcome == policy::Outcome::Fail) {
      // A denial is what an operator looks for when a deploy fails: still logged at
      // --log-level warn.
      const bool denied = r.mode == policy::Mode::Enforce;
      msg = denied ? "admission denied" : "policy audit failure";
      if (denied) level = base::LogLevel::kWarn;
    } else {
      continue;
    }
    if (!log.enabled(level)) continue;
    log.log(level, msg,
            {{"uid", reply.uid},
             {"webhook", endpoint == admission::Endpoint::Mutate ? "mutate" : "validate"},
             {"kind", reply.kind},
             {"operation", reply.operation},
             {"namespace", reply.namespace_},
             {"name", reply.name},
             {"policy", r.policy.view()},
             {"rule", r.rule.view()},
             {"mode", policy::name(r.mode)},
             {"message", r.message},
             {"allowed", reply.allowed},
             {"dryRun", reply.dryRun}});
  }
}

// Counts, records, logs and applies what a reply says, and makes it the HTTP response.
Response finish(ServerState& state, admission::Endpoint endpoint, admission::AdmissionReply& reply,
                std::chrono::steady_clock::time_point start, unsigned version) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.metrics.observeAdmission(endpoint, reply, seconds);
  if (reply.status == 200) {
    state.reports.record(reply);
    logResults(state, endpoint, reply);
    // Generated objects go to the cluster when --kube-api reaches one (never for dry runs);
    // otherwise they are counted, not applied.
    for (policy::Generated& g : reply.generated) {
      if (!reply.dryRun && state.applier) {
        state.applier->enqueue(kube::ApplyJob{std::move(g.object), reply.apiVersion, reply.kind,
                                              reply.name, reply.objectUid});
        continue;
      }
      const json::Value* kind = g.object.find("kind");
      state.metrics.generated(kind && kind->isString() ? std::string(kind->asString()) : "",
                              reply.dryRun ? "dry-run" : "skipped");
    }
  } else {
    state.logger.debug("bad admission request",
                       {{"status", reply.status}, {"reason", std::string_view(reply.body)}});
  }
  Response res{static_cast<http::status>(reply.status), version};
  res.set(http::field::content_type, reply.contentType);
  res.body() = std::move(reply.body);
  return res;
}

admission::AdmissionReply internalError(ServerState& state, const std::exception& e) {
  state.logger.error("admission handler failed", {{"error", e.what()}});
  admission::AdmissionReply reply;
  reply.status = 500;
  reply.body = "internal error\n";
  reply.contentType = "text/plain";
  return reply;
}

// "403 Forbidden: deployments.apps \"web\" is forbidden: ..." on one short line.
std::string readFailure(const kube::KubeResponse& r) {
  std::string why = r.status == 0 ? r.body : std::to_string(r.status);
  if (r.status != 0) {
    auto parsed = json::parse(r.body);
    const json::Value* message = parsed.ok() ? parsed.value.find("message") : nullptr;
    if (message && message->isString()) why += " " + std::string(message->asString());
  }
  if (const std::size_t nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
  return "reading it failed: " + why;
}

// A scale's answer once its workload is read (on the reader's thread), evaluated with `set`,
// which must outlive the reply (its results name the set's strings: policy::SetName).
admission::AdmissionReply answerScaleRead(ServerState& state, const PolicySetPtr& set,
                                          const admission::Review& review,
                                          const admission::ScaleTarget& target,
                                          const kube::KubeResponse& read) {
  if (!set) {
    admission::AdmissionReply reply;
    reply.status = 503;
    reply.body = "no policies\n";
    reply.contentType = "text/plain; charset=utf-8";
    return reply;
  }
  if (read.status != 200) {
    std::string why = readFailure(read);
    state.logger.warn("scale not evaluated: its workload could not be read",
                      {{"uid", review.request.uid},
                       {"kind", target.kind},
                       {"namespace", target.namespace_},
                       {"name", target.name},
                       {"error", why}});
    return admission::answerScale(*set, review, target, nullptr, why);
  }
  // The evaluation's own deadline starts now: the read had its own timeout.
  policy::EvalOptions options;
  options.deadline = std::chrono::steady_clock::now() + state.options.evalTimeout;
  options.budget = state.options.evalTimeout;
  auto workload = json::parse(read.body, json::kDefaultMaxDepth, state.options.maxDocumentValues());
  if (!workload.ok() || !workload.value.isObject())
    return admission::answerScale(*set, review, target, nullptr,
                                  "reading it failed: the API server's answer is not an object");
  return admission::answerScale(*set, review, target, &workload.value, "", options);
}

std::optional<Response> admission(ServerState& state, admission::Endpoint endpoint,
                                  const Request& req, const Defer* defer) {
  // This thread's cached pointer, not a copy: no reference count bounces between the I/O
  // threads. Nothing below reads the policy slot again on this thread, so it stays valid, with
  // the strings the reply's results name (policy::SetName).
  const PolicySetPtr& set = state.policies.get();
  if (!set) return textResponse(http::status::service_unavailable, req.version(), "no policies");
  const auto start = std::chrono::steady_clock::now();
  const unsigned version = req.version();
  const std::size_t maxValues = state.options.maxDocumentValues();
  policy::EvalOptions options;
  options.deadline = start + state.options.evalTimeout;
  options.budget = state.options.evalTimeout;
  admission::AdmissionReply reply;
  try {
    admission::Review review;
    std::string reason = admission::readReview(req.body(), review, maxValues);
    std::optional<admission::ScaleTarget> target;
    if (reason.empty() && endpoint == admission::Endpoint::Validate && defer && state.workloads)
      target = admission::scaleTarget(review);
    std::string path;
    if (target && !admission::scaleIgnored(*set, *target))
      path = kube::resourcePath(target->apiVersion, target->kind, target->namespace_, target->name);
    if (!reason.empty()) {
      reply = admission::badReview(std::move(reason));
    } else if (path.empty()) {
      reply = admission::answerReview(*set, endpoint, review, options);
    } else {
      // Answered once the workload is read. A Review points into itself and cannot move: the
      // deferred answer keeps one of its own (scales are rare; reading the body again is cheap).
      auto kept = std::make_shared<admission::Review>();
      const bool readAgain = admission::readReview(req.body(), *kept, maxValues).empty();
      auto answer = [&state, endpoint, kept, target = *target, start, version,
                     respond = (*defer)()](kube::KubeResponse read) {
        const PolicySetPtr now = state.currentPolicies();
        admission::AdmissionReply r;
        try {
          r = answerScaleRead(state, now, *kept, target, read);
        } catch (const std::exception& e) {
          r = internalError(state, e);
        }
        respond(finish(state, endpoint, r, start, version));
      };
      if (readAgain && state.workloads->read(path, std::move(answer))) return std::nullopt;
      reply = admission::answerScale(*set, review, *target, nullptr, "billet's read queue is full");
    }
  } catch (const std::exception& e) {
    reply = internalError(state, e);
  }
  return finish(state, endpoint, reply, start, version);
}

}  // namespace

Response textResponse(http::status status, unsigned version, std::string_view text) {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body().reserve(text.size() + 1);
  res.body().append(text).push_back('\n');
  return res;
}

Response route(ServerState& state, Port port, const Request& req) {
  return *route(state, port, req, Defer());
}

std::optional<Response> route(ServerState& state, Port port, const Request& req,
                              const Defer& defer) {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = pathOf(target);
  const unsigned version = req.version();
  const bool get = req.method() == http::verb::get;

  if (path == "/healthz") {
    if (!get) return methodNotAllowed(version, "GET");
    return textResponse(http::status::ok, version, "ok");
  }
  if (path == "/readyz") {
    if (!get) return methodNotAllowed(version, "GET");
    if (state.draining.load())
      return textResponse(http::status::service_unavailable, version, "draining");
    if (!state.ready())
      return textResponse(http::status::service_unavailable, version, "not ready");
    return textResponse(http::status::ok, version, "ok");
  }
  if (path == "/metrics") {
    if (!get) return methodNotAllowed(version, "GET");
    Response res{http::status::ok, version};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = state.metrics.serialize();
    return res;
  }
  if (port == Port::kMetrics) return textResponse(http::status::not_found, version, "not found");

  if (path == "/mutate" || path == "/validate") {
    if (req.method() != http::verb::post) return methodNotAllowed(version, "POST");
    if (!isJson(req[http::field::content_type]))
      return textResponse(http::status::unsupported_media_type, version,
                          "content type must be application/json");
    return admission(
        state, path == "/mutate" ? admission::Endpoint::Mutate : admission::Endpoint::Validate, req,
        defer ? &defer : nullptr);
  }
  if (path == "/reports") {
    if (!get) return methodNotAllowed(version, "GET");
    const std::string_view format = queryParam(target, "format");
    Response res{http::status::ok, version};
    if (format == "policyreport") {
      res.set(http::field::content_type, "application/yaml");
      res.body() = state.reports.policyReportYaml();
    } else if (format.empty() || format == "json") {
      res.set(http::field::content_type, "application/json");
      res.body() = state.reports.json();
    } else {
      return textResponse(http::status::bad_request, version,
                          "unknown format \"" + std::string(format) + "\" (json, policyreport)");
    }
    return res;
  }
  return textResponse(http::status::not_found, version, "not found");
}

}  // namespace billet::server
