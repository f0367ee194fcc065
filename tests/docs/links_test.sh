#!/usr/bin/env bash
# Every relative link of README.md and docs/*.md resolves inside the repository, every anchor
# names a heading of its target (GitHub's slugs), and no link leaves the repository (a `../`
# above the root, an absolute path, a shared/ contract). The checker is first shown to catch
# each kind of broken link in a scratch tree, so that a checker that accepts everything fails.
# Usage: links_test.sh REPO_ROOT
set -uo pipefail
root=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../cli/testlib.sh"
checker=(perl "$here/check_links.pl")

# The checker itself, on a scratch tree: each broken link is reported, good links are not.
mkdir -p "$T/repo/docs" "$T/repo/manifests"
touch "$T/repo/manifests/a.yaml"
cat >"$T/repo/docs/target.md" <<'MD'
# Target
## The `lint` command: flags
## Repeated
## Repeated
MD
good() { printf '%s\n' "$1" >"$T/repo/docs/page.md"; "${checker[@]}" "$T/repo" "$T/repo/docs/page.md" >"$T/out" 2>&1; }
bad() { ! good "$1" && test -s "$T/out"; }
check "a file link resolves" good '[t](target.md)'
check "a directory link resolves" good '[m](../manifests/)'
check "an anchor resolves" good '[t](target.md#the-lint-command-flags)'
check "a repeated heading's anchor resolves" good '[t](target.md#repeated-1)'
check "a same-page anchor resolves" good '# Page
[p](#page)'
check "web links are not followed" good '[k](https://kubernetes.io/docs/)'
check "a link in a code span is not a link" good 'text `[x](missing.md)` text'
check "a link in a code block is not a link" good '```
[x](missing.md)
```'
check "a missing file is caught" bad '[t](missing.md)'
check "a missing anchor is caught" bad '[t](target.md#nothing-here)'
check "a missing same-page anchor is caught" bad '[p](#nowhere)'
check "a reference-style link is checked" bad '[t]: missing.md'
check "climbing above the root is caught" bad '[s](../../SPEC.md)'
check "a shared/ contract is caught" bad '[s](../shared/notes.md)'
check "an absolute path is caught" bad '[s](/etc/hosts)'
check "a file: URL is caught" bad '[s](file:///etc/hosts)'

# The repository's own docs.
docs=("$root/README.md" "$root"/docs/*.md)
check "README.md and docs/ exist" test -f "$root/README.md" -a -f "$root/docs/reference.md"
"${checker[@]}" "$root" "${docs[@]}" >"$T/out" 2>&1
rc=$?
cat "$T/out"
check "every link of README.md and docs/*.md resolves inside the repository" test $rc -eq 0
finish
