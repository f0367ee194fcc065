// Request routing: one HTTP request in, one HTTP response out, no I/O (SPEC §2 endpoints).
//
// The session reads a whole request (bodies over --max-body-bytes are refused with 413 by the
// session before they are read), hands it here, and writes what comes back. POST /mutate and
// /validate call admission::handleReview and send its status and body byte for byte.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string_view>

#include "server/request_body.h"
#include "server/state.h"

namespace billet::server {

namespace http = boost::beast::http;
using Request = http::request<RequestBody>;
using Response = http::response<http::string_body>;

enum class Port {
  kAdmission,  // TLS: every endpoint
  kMetrics,    // --metrics-listen, plain HTTP: /metrics, /healthz, /readyz
};

Response route(ServerState& state, Port port, const Request& request);

// Sends a response that was not ready when route() returned; called once, from another thread.
using Later = std::function<void(Response)>;
// Makes the Later of the request being routed (which keeps its connection alive): called only
// for a request that is answered later, so that the others pay nothing for it.
using Defer = std::function<Later()>;

// As route(), but a request whose answer needs the cluster (a scale of a Deployment or
// StatefulSet at /validate, with --kube-api: its workload is read first) returns nullopt and is
// answered through defer()'s Later, from the reader's thread, so that no loop waits on the API
// server.
std::optional<Response> route(ServerState& state, Port port, const Request& request,
                              const Defer& defer);

// A small text/plain response: `text` plus a newline.
Response textResponse(http::status status, unsigned version, std::string_view text);

}  // namespace billet::server
