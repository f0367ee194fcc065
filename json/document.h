// billet::json::Document — what a JSON text parsed with parseDeferred() reads from: the
// validated text and its tokens, from which the document's objects and arrays are built one
// level at a time, when something first reads them.
//
// An admission request's object is read in a few places (its kind, metadata, the pod template,
// the containers' resources and images) and not elsewhere (managedFields, most of a container's
// fields): building only what is read saves most of the cost of the rest, the tree's
// allocation and its destruction. The validating scan still reads every byte, so the document
// is refused or accepted whole, before any of it is built.
//
//   json::Document doc;
//   base::Result<json::Value> root = json::parseDeferred(body, doc);
//   if (const json::Value* spec = root.value.find("spec")) ...   // builds spec's members
//
// Lifetime and threads: the root, and every value read or moved out of it, read from the
// Document, which must outlive them (copies of them own what they hold, as copies of a lazy copy
// do: json/value.h). Reading a value builds it, so a document is read by one thread at a time.
#pragma once

#include <cstddef>
#include <memory>

namespace billet::json {

struct Tape;  // json/document.cc

class Document {
 public:
  Document();
  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;

  // How many of the document's objects and arrays below the root have been built so far, and
  // how many there are (empty ones are built with their parent and not counted; one whose key
  // a later member repeats is never built).
  std::size_t containersBuilt() const;
  std::size_t containers() const;

 private:
  friend class DeferredBuilder;  // json/document.cc
  // On the heap, so that the values reading from it can keep its address while the Document
  // itself moves.
  std::unique_ptr<Tape> tape_;
};

}  // namespace billet::json
