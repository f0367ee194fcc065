// YAML documents read one at a time from a stream, each built straight into a json::Value from
// yaml-cpp's parser events (no YAML::Node tree), and the items of a `kind: List` handed over one
// by one as each ends: a cluster dump (`kubectl get -A -o yaml`, one List) is never held whole.
//
// Values are what policy::toValue makes of the same text: plain scalars resolved as kubectl
// resolves them, quoted scalars strings, later duplicate keys replacing earlier ones. Aliases are
// expanded, bounded as policy/alias_guard.h bounds them.
//
// kubectl takes any document whose top-level `items` is a sequence for a list, whatever its kind
// (`kind: List`, a `PodList` read from the API, any other), and reads its items as the objects,
// never the document itself. So does billet: a top-level `items` sequence is a List's items,
// handed over as they are read (a List's items usually come before its kind: kubectl prints
// keys in order, apiVersion, items, kind), and the document ends as a List. Until 2026-12-06 only
// `kind: List` was one, and a `PodList` was evaluated as an object of its own.
#pragma once

#include <functional>
#include <istream>
#include <string>

#include "json/value.h"

namespace billet::cli {

struct YamlStreamError {
  int line = 0, column = 0;  // 1-based; 0 when unknown
  std::string field;         // "items" for a List's, else empty
  std::string message;
};

struct YamlStreamCallbacks {
  // A non-empty document that is not a List, with the line its top node starts on.
  std::function<void(json::Value document, int line)> document;
  // An item of a List document, as it ends.
  std::function<void(json::Value item, int line)> listItem;
  // A List document (after its items); `items` is false when it had none (null or missing).
  std::function<void(int line)> list;
  // A problem in one document; reading goes on.
  std::function<void(const YamlStreamError&)> error;
  // Where a document starts (its `---` line, else its first token), before anything in it is
  // handed over; optional (readYamlStream's control character check is what reads it).
  std::function<void(int line)> documentStart;
  // A document kubectl does not send, skipped, and why: one after a `...` line with no `---`
  // line before it, in the same piece as a document before it (kubectl cuts a stream at its
  // `---` lines and reads the first document of each piece). Optional.
  std::function<void(int line, const std::string& why)> skipped;
};

// Reads every document of `in`. Returns false, with the error, when the text stops being YAML
// or an alias expands too far; what was read before it has been handed over.
//
// With `workers` > 1, that many threads parse the entries of Lists ahead of the reader
// (yaml_parallel_source.h); the callbacks are still called on the calling thread, in order, with
// the same values, lines and errors as with one.
bool readYamlStream(std::istream& in, const YamlStreamCallbacks& callbacks, YamlStreamError& error,
                    int workers = 1);

// The number of workers `lint` and `audit` read YAML with: the machine's cores, at most 8 (1
// on a single core: no threads).
int yamlReadWorkers();

}  // namespace billet::cli
