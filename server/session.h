// One HTTP/1.1 connection: TLS on the admission port, plain HTTP on the metrics port.
//
// A session lives on one loop of the server's IoPool (one thread) and chains handshake → read
// header → (413 | read body) → route → write → read the next request (keep-alive; pipelined
// requests wait in the buffer). Every handshake, read and write has a deadline (--read-timeout);
// any error closes this connection only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "server/connection_limit.h"
#include "server/router.h"
#include "server/state.h"

namespace billet::server {

// A connection's executor: the io_context of the one thread that serves it (no strand: nothing
// else touches the connection but posts from drain). The concrete type (rather than
// asio::any_io_executor) spares every I/O operation a type-erased executor copy.
using ConnectionExecutor = boost::asio::io_context::executor_type;
using ConnectionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, ConnectionExecutor>;

// Takes ownership of an accepted socket (already on the loop that will serve it) and starts serving
// it; the slot is held until the connection ends.
void startTlsSession(ConnectionSocket socket, SslContextPtr context,
                     std::shared_ptr<ServerState> state, ConnectionSlot slot);
void startPlainSession(ConnectionSocket socket, std::shared_ptr<ServerState> state, Port port,
                       ConnectionSlot slot);

}  // namespace billet::server
