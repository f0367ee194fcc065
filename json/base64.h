// Standard base64 (RFC 4648, with padding): AdmissionReview patches and certificate bundles.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace billet::json {

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace billet::json
