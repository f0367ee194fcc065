// A response as the bytes that go on the wire, in one buffer: what Beast's serializer writes
// (status line, fields in order, blank line, body), built with two appends per field.
//
// The session writes it with one async_write of one buffer. Beast's serializer, for the same
// response, ran a composed write over a header-and-body buffer sequence that the TLS stream then
// copied into one flat buffer (one TLS record): about 10,000 instructions per admission
// response, more than the TLS write itself.
#pragma once

#include <string>

#include "server/router.h"

namespace billet::server {

// Appends `response` (prepare_payload() already called) to `out`.
void appendResponseBytes(const Response& response, std::string& out);

}  // namespace billet::server
