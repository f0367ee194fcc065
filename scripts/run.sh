#!/usr/bin/env bash
# Quickstart: install what is missing, build, and run billet's main job on the bundled defaults:
# the admission webhook, on https://127.0.0.1:8443 with a self-signed certificate, serving the
# bundled policy pack. Ctrl-C (or SIGTERM) drains and stops it.
#   BILLET_LISTEN=127.0.0.1:9443 bash scripts/run.sh    # another address
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh build
bash scripts/build.sh
listen=${BILLET_LISTEN:-127.0.0.1:8443}

echo
echo "== What the bundled policies do to the example manifests (build/billet lint):"
# Exit code 1 means "an Enforce rule failed": some examples are meant to be denied.
{ build/billet lint -p manifests/policies -f manifests/examples || [ $? -eq 1 ]; } | tail -n 1
echo
echo "== Starting the webhook on https://$listen (the CA is written to the caFile of the first log line)."
echo "   From another terminal, send it a review (manifests/reviews/: gpu-inference gets a patch,"
echo "   gpu-executor is denied at /validate):"
echo "     curl --cacert CAFILE -H 'Content-Type: application/json' \\"
echo "       --data-binary @manifests/reviews/gpu-inference.json https://$listen/mutate"
echo "   and watch: curl --cacert CAFILE https://$listen/metrics"
echo
exec build/billet serve -p manifests/policies --self-signed --listen "$listen"
