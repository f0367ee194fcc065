// Whether two match blocks can select the same object, for the loader's conflict warnings.
// Conservative: `false` only where the blocks are provably disjoint (kinds, operations,
// namespaces, names or users no value can satisfy both, label selectors that contradict each
// other on a key, opposite gpu/localStorage, replica ranges apart); anything undecided overlaps.
//
//   Match a, b;  a.namespaces = {"team-a"};  b.namespaces = {"team-b"};
//   mayOverlap(a, b) == false
//   b.namespaces = {"team-*"};
//   mayOverlap(a, b) == true
#pragma once

#include <string_view>

#include "policy/match.h"

namespace billet::policy {

// Some text matches both globs (`*` and `?` as in glob.h). May answer true when none does.
bool globsMayOverlap(std::string_view a, std::string_view b);

bool mayOverlap(const Match& a, const Match& b);

// Every object `m` selects is also selected by `exclude`: then a rule with that exclude never
// applies where `m` does. Decided only for excludes of kinds, operations and namespaces.
bool covers(const Match& exclude, const Match& m);

}  // namespace billet::policy
