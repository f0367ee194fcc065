#!/usr/bin/env bash
# Every C++ source is laid out as .clang-format says (STYLE: formatted before commit), so that a
# diff shows only what changed. Prints the files that are not, with clang-format's first lines.
#   tests/style/format_test.sh ROOT
set -euo pipefail
root=${1:?usage: format_test.sh ROOT}
cd "$root"
if ! command -v clang-format >/dev/null; then
  echo "clang-format not found (scripts/deps.sh test installs it)" >&2
  exit 1
fi
mapfile -t files < <(find admission base bench certs cli cmake fuzz json kube main policy report \
                       server tests -type f \( -name '*.cc' -o -name '*.h' \) | sort)
[ ${#files[@]} -gt 250 ] || { echo "only ${#files[@]} sources found under $root" >&2; exit 1; }
bad=0
for f in "${files[@]}"; do
  if ! out=$(clang-format --dry-run --Werror --style=file "$f" 2>&1); then
    echo "$f is not clang-formatted (clang-format -i $f):"
    echo "$out" | head -3
    bad=$((bad + 1))
  fi
done
[ $bad -eq 0 ] || { echo "$bad of ${#files[@]} files not formatted"; exit 1; }
echo "${#files[@]} files formatted"
