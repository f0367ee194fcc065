// Reading the files a user names: the one directory walker, shared by loading (policies,
// resources) and by the reloader's fingerprints, so both always see the same files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace billet::base {

// *.yaml, *.yml and *.json: the files a directory is read for.
bool isDocumentFile(std::string_view name);

// The document files under a directory, recursively, sorted. Entries whose name starts with "."
// are skipped: a Kubernetes ConfigMap or Secret volume holds its files under "..data" and
// "..2024_…" and shows them through visible symlinks, which are followed. An error names the
// directory.
Result<std::vector<std::string>> documentFilesUnder(const std::string& directory);

// A file's whole content.
Result<std::string> readFile(const std::string& path);

struct TextFile {
  std::string name;  // the file as given, or found in a directory; "-" for stdin
  std::string text;
  // False when the file was found by walking a directory: a named file that holds nothing
  // usable is an error, a file met in a directory is skipped with a note.
  bool named = true;
  std::string error;  // why it could not be read (then `text` is empty)
};

// Files or directories (document files, as documentFilesUnder finds them); "-" is `stdinText`
// (read by the caller: only the command line reads stdin), taken once. What cannot be read is
// a TextFile with its error, in the order given.
std::vector<TextFile> readTextFiles(const std::vector<std::string>& paths,
                                    const std::string* stdinText = nullptr);

}  // namespace billet::base
