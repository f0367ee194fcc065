#!/usr/bin/env bash
# The chart's copy of the bundled policy pack (charts/billet/policies/) is manifests/policies/,
# file for file: Helm cannot read files outside the chart, so the chart carries a copy, and this
# test fails when one is edited without the other. To bring the copy up to date:
#   rm charts/billet/policies/* && cp manifests/policies/*.yaml charts/billet/policies/
# Usage: chart_policies_test.sh SOURCE_DIR
set -uo pipefail
SRC=$1
source "$SRC/tests/cli/testlib.sh"
pack=$SRC/manifests/policies
copy=$SRC/charts/billet/policies
check "the pack has policy files" [ -n "$(ls "$pack")" ]
check "the chart's copy has the same files" diff <(ls "$pack") <(ls "$copy")
for f in "$pack"/*; do
  check "$(basename "$f") is the same in the chart" cmp -s "$f" "$copy/$(basename "$f")"
done
finish
