// Errors are values. An operation that can fail returns a Result (a value, or why not) or a
// Status (only why not); nothing in billet's libraries throws to report a failure.
//
//   base::Result<json::Value> parsed = json::parse(body);
//   if (!parsed.ok()) return "request body: " + parsed.error;
//   use(parsed.value);
//
// `error` is one line naming where the failure is: file:line:col, a field path, or an HTTP
// status and reason.
#pragma once

#include <string>
#include <utility>

namespace billet::base {

struct Status {
  std::string error;  // empty on success
  // Where in a text input the failure is (1-based), when the error is about one; 0 otherwise.
  int line = 0, column = 0;

  bool ok() const { return error.empty(); }
};

template <class T>
struct Result {
  T value{};          // meaningful only when ok()
  std::string error;  // empty on success

  bool ok() const { return error.empty(); }
  static Result failure(std::string why) {
    Result r;
    r.error = std::move(why);
    return r;
  }
};

}  // namespace billet::base
