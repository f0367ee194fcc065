// One HTTP/1.1 connection: TLS on the admission port, plain HTTP on the metrics port.
//
// A session lives on its own strand and chains handshake → read header → (413 | read body) →
// route → write → read the next request (keep-alive; pipelined requests wait in the buffer).
// Every handshake, read and write has a deadline (--read-timeout); any error closes this
// connection only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "webhook/router.h"
#include "webhook/state.h"

namespace billet::webhook {

// Takes ownership of an accepted socket (already on its strand) and starts serving it.
void startTlsSession(boost::asio::ip::tcp::socket socket, SslContextPtr context,
                     std::shared_ptr<ServerState> state);
void startPlainSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state,
                       Port port);

}  // namespace billet::webhook
