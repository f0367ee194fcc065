// Standard base64 (RFC 4648, with padding): AdmissionReview patches and certificate bundles.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace billet::json {

std::string base64Encode(std::string_view bytes);
// Replaces the bytes of `s` from `from` on with their encoding, in place (no temporary string):
// an admission response writes its patch into the body and encodes it there.
void base64EncodeTail(std::string& s, std::size_t from);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace billet::json
