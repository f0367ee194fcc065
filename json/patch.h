// RFC 6902 JSON Patch: produced by comparing two documents, and applied to a document.
//
// `diff` is how billet answers /mutate: the final object is compared with the original and one
// patch is returned. Its shape is part of the contract:
//   - a member missing in `from` is added whole ("add" with the subtree), so parents always come
//     before their children;
//   - a member missing in `to` is removed;
//   - a changed scalar, or a value whose type changed, is replaced;
//   - arrays are compared element by element over the common length; extra elements in `to` are
//     appended with "/-"; extra elements in `from` are removed from the highest index down.
// Applying diff(a, b) to a yields b.
#pragma once

#include <cstddef>
#include <string>

#include "json/value.h"

namespace billet::json {

// Returns an array of operations (empty array when the documents are equal).
Value diff(const Value& from, const Value& to);

// The same as diff(original, copy), for a `copy` that was made of `original` and then given to
// markUntouched() (json/value.h), with `original` unchanged since: the subtrees of `copy` that
// were never reached for change are not compared: how /mutate's patch is made cheaply when the
// policies changed a few fields of a large object (written by writeDiffFromCopy below).
//   The operations' values are not copied: they read as the values in `copy` (Value::lazyCopyOf),
//   so `copy` (which may be moved) must outlive the patch and not change while it lives, except
//   when the whole document is replaced. A copy of the patch owns everything.
Value diffFromCopy(const Value& original, const Value& copy);

// Appends to `out` the JSON text of diffFromCopy(original, copy), byte for byte what write()
// gives for it, without building the operations; returns how many there are. How the server
// and the CLI get the patch of an evaluation (admission::MutateDecision).
std::size_t writeDiffFromCopy(const Value& original, const Value& copy, std::string& out);

// Applies an RFC 6902 patch (add, remove, replace, move, copy, test) to `doc` in place.
// Returns an empty string on success, or a one-line error naming the operation index and pointer;
// on error `doc` may be partially modified (callers apply to a copy).
std::string apply(Value& doc, const Value& patch);

}  // namespace billet::json
