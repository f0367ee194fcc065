// Fuzz target for the admission handler: any request body, against the bundled policy pack.
//
// The handler must answer every input with 200 or 400 and never crash or hang. A 200 answer
// must be an AdmissionReview that parses, echoes the uid, and whose patch (if any) applies
// to the request's object.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admission/review.h"
#include "json/base64.h"
#include "json/parse.h"
#include "json/patch.h"
#include "policy/policy_set.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "admission_review_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

const billet::policy::PolicySet& pack() {
  static auto loaded = billet::policy::loadPolicies(
      billet::base::readTextFiles({BILLET_SOURCE_DIR "/manifests/policies"}));
  if (!loaded.ok()) fail("the bundled pack does not load", loaded.errors[0].format());
  return *loaded.set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace billet;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (auto endpoint : {admission::Endpoint::Mutate, admission::Endpoint::Validate}) {
    admission::AdmissionReply reply = admission::handleReview(pack(), endpoint, body);
    if (reply.status == 400) {
      if (reply.body.empty() || reply.body.find('\n') != std::string::npos)
        fail("a 400 reason must be one non-empty line", reply.body);
      continue;
    }
    if (reply.status != 200) fail("status is neither 200 nor 400", std::to_string(reply.status));
    base::Result<json::Value> response = json::parse(reply.body);
    if (!response.ok()) fail("the response is not JSON", reply.body);
    base::Result<json::Value> request = json::parse(body);
    const json::Value* uid = json::dig(request.value, {"request", "uid"});
    const json::Value* echoed = json::dig(response.value, {"response", "uid"});
    if (!uid || !echoed || *uid != *echoed) fail("uid not echoed", reply.body);
    const json::Value* patch = json::dig(response.value, {"response", "patch"});
    if (!patch) continue;
    auto raw = json::base64Decode(patch->asString());
    if (!raw) fail("patch is not base64", reply.body);
    base::Result<json::Value> ops = json::parse(*raw);
    if (!ops.ok()) fail("patch is not JSON", *raw);
    json::Value object = *json::dig(request.value, {"request", "object"});
    std::string error = json::apply(object, ops.value);
    if (!error.empty()) fail("patch does not apply", error + "\n" + *raw);
  }
  return 0;
}
