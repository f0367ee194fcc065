// The Kubernetes name rules (RFC 1123 as Kubernetes applies it): what a namespace or Service
// name must be (a label), and an object's name (a subdomain).
#pragma once

#include <string_view>

namespace billet::base {

// Lowercase letters, digits and '-', starting and ending with a letter or digit; 1 to 63 bytes.
bool isDns1123Label(std::string_view s);
// Labels joined by '.' as Kubernetes checks them (each part lowercase letters, digits and '-',
// starting and ending with a letter or digit, of any length); 1 to 253 bytes in all.
bool isDns1123Subdomain(std::string_view s);

}  // namespace billet::base
