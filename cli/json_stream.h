// A JSON file whose top level is an object, read in pieces: the items of a List
// (`kubectl get -o json`) are parsed one at a time with billet's JSON parser (json/parse.h) and
// handed over as each ends, so a cluster dump is never held whole, as text or as a tree. The
// other members are kept as text and parsed at the end, as one document.
//
// A top-level `items` array is a List's items, whatever the kind, as kubectl reads it and as
// yaml_stream.h says.
#pragma once

#include <istream>

#include "cli/yaml_stream.h"

namespace billet::cli {

enum class JsonStreamResult {
  kDone,         // every document handed over (or an error given to callbacks.error)
  kEmpty,        // only blanks
  kNotAnObject,  // the top level is not an object: nothing was handed over
  kInvalid,      // not JSON: items before the error may have been handed over; parse the whole
                 // text for the error's message and position
};

// `line` is the line the top-level object starts on (every item is shown at it, as when the
// file is parsed whole).
JsonStreamResult readJsonStream(std::istream& in, const YamlStreamCallbacks& callbacks);

}  // namespace billet::cli
