#include "webhook/admission.h"

namespace billet::webhook {

AdmissionReply handleReview(const policy::PolicySet&, Endpoint, std::string_view) {
  AdmissionReply r;
  r.status = 500;
  r.body = "not built yet";
  return r;
}

}  // namespace billet::webhook
