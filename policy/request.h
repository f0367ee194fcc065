// The admission request as the engine sees it, whether it came from the API server or from a file.
#pragma once

#include <string>
#include <vector>

#include "json/value.h"

namespace billet::policy {

enum class Operation { Create, Update, Delete, Connect };
std::string_view name(Operation op);  // "CREATE", ...
bool parseOperation(std::string_view s, Operation& op);

struct AdmissionRequest {
  std::string uid;
  std::string group;    // request.kind.group ("" for core)
  std::string version;  // request.kind.version
  std::string kind;     // request.kind.kind
  std::string namespace_;
  std::string name;
  // request.subResource: "ephemeralcontainers" for `kubectl debug`, "status", "scale", ... The
  // object of a subresource request is not the parent's spec as the user wrote it: the engine
  // never mutates one and validates only ephemeral containers (the images `kubectl debug` adds).
  // A Deployment's or StatefulSet's scale is evaluated on the workload itself, by
  // admission/scale.h.
  std::string subResource;
  Operation operation = Operation::Create;
  std::string username;
  std::vector<std::string> groups;
  bool dryRun = false;
  // Borrowed; must outlive evaluation. `object` may be null only for DELETE/CONNECT.
  const json::Value* object = nullptr;
  const json::Value* oldObject = nullptr;
  // The `request` root of paths: the AdmissionReview's request (or a synthesized one offline).
  const json::Value* request = nullptr;
};

// The object's name for matching and messages: metadata.name, else the request's name, else
// metadata.generateName (an object created with generateName has no name yet when admitted).
std::string objectName(const AdmissionRequest& req, const json::Value* object);

}  // namespace billet::policy
