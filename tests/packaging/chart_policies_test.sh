#!/usr/bin/env bash
# The chart's copies of the bundled policy pack (charts/billet/policies/) and of the PolicyReport
# CRDs (charts/billet/crds/) are manifests/policies/ and manifests/crds/, file for file: Helm
# cannot read files outside the chart, so the chart carries copies, and this test fails when one
# is edited without the other. To bring a copy up to date:
#   rm charts/billet/policies/* && cp manifests/policies/*.yaml charts/billet/policies/
#   rm charts/billet/crds/* && cp manifests/crds/*.yaml charts/billet/crds/
# Usage: chart_policies_test.sh SOURCE_DIR
set -uo pipefail
SRC=$1
source "$SRC/tests/cli/testlib.sh"
for dir in policies crds; do
  pack=$SRC/manifests/$dir
  copy=$SRC/charts/billet/$dir
  check "manifests/$dir has files" [ -n "$(ls "$pack")" ]
  check "the chart's copy of $dir has the same files" diff <(ls "$pack") <(ls "$copy")
  for f in "$pack"/*; do
    check "$dir/$(basename "$f") is the same in the chart" cmp -s "$f" "$copy/$(basename "$f")"
  done
done
finish
