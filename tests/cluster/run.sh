#!/usr/bin/env bash
# Runs one cluster scenario against a control plane of its own:
#   tests/cluster/run.sh SCENARIO BILLET ROOT
# SCENARIO names tests/cluster/scenarios/SCENARIO.sh. The control plane, billet and the shipped
# webhook configurations are up when scenario() starts; everything is torn down when it ends.
set -euo pipefail
scenario=$1
BILLET=$(realpath "$2")
ROOT=$(realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)
export BILLET ROOT
source "$ROOT/tests/cli/testlib.sh"
source "$here/lib.sh"
CLUSTER_BIN=$(bash "$here/build.sh")
# A scenario file defines scenario(), and prepare() if it needs the cluster before billet's
# webhooks are registered; CLUSTER_ONLY=1 in it means it installs billet its own way.
CLUSTER_ONLY=0
source "$here/scenarios/$scenario.sh"
cluster_up
if [ "$CLUSTER_ONLY" != 1 ]; then
  billet_up
  if declare -F prepare > /dev/null; then prepare; fi
  webhooks_up
fi
log "scenario $scenario"
scenario
finish
