#!/usr/bin/env bash
# Instructions per request of the whole `billet serve` process (TLS, HTTP, routing, metrics, and
# reading and answering the review; the kernel not included), counted by callgrind while wrk
# posts the sample review to /mutate over 8 keep-alive TLS connections: a noise-free figure for
# the server's own cost.
#
#   bash bench/server/callgrind.sh [BILLET_BINARY]     # DURATION (default 10s) under callgrind
#
# Counting starts after a warm-up and stops before shutdown; TLS handshakes (wrk reconnects at
# its start) are subtracted. Prints instructions per request in all, in the review (read and
# answered), and the rest (the server's own share). Needs valgrind and wrk. KEEP_DUMP=DIR copies
# callgrind's dumps there, to read with callgrind_annotate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
billet="$(cd "$(dirname "${1:-$root/build/billet}")" && pwd)/$(basename "${1:-$root/build/billet}")"
review="$root/fuzz/corpus/admission_review/sample-deployment-gpu.json"
for tool in valgrind callgrind_control callgrind_annotate wrk; do
  command -v "$tool" >/dev/null || { echo "callgrind: $tool is not installed" >&2; exit 1; }
done
tmp="$(mktemp -d /tmp/billet-server-callgrind.XXXXXX)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [[ -n "${KEEP_DUMP:-}" ]] && cp "$tmp"/cg.out* "$KEEP_DUMP"/ 2>/dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
"$billet" certs generate --service localhost --namespace bench --out "$tmp/certs" >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$billet" serve \
  -p "$root/manifests/policies" --tls-cert "$tmp/certs/tls.crt" --tls-key "$tmp/certs/tls.key" \
  --listen 127.0.0.1:0 --threads 2 >"$tmp/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(grep -o '"msg":"serving".*"port":[0-9]*' "$tmp/log" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)"
  [[ -n "$port" ]] && break
  sleep 0.2
done
[[ -n "$port" ]] || { cat "$tmp/log" >&2; exit 1; }
url="https://127.0.0.1:$port/mutate"
BILLET_REVIEW="$review" wrk -t1 -c4 -d3s -s "$root/bench/server/post.lua" "$url" >/dev/null
callgrind_control -z "$pid" >/dev/null 2>&1
BILLET_REVIEW="$review" wrk -t1 -c8 -d"${DURATION:-10s}" -s "$root/bench/server/post.lua" "$url" >/dev/null
callgrind_control -d "$pid" >/dev/null 2>&1
sleep 1
dump="$tmp/cg.out.1"
set +o pipefail  # `head -1` below may close its pipe early
total="$(awk '/^summary:/{print $2}' "$dump")"
inclusive() {  # function pattern -> inclusive instructions and call count
  callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | grep -E "$1" | head -1 |
    awk '{gsub(",", "", $1); print $1}'
}
# The router reads a review and answers it in two calls (an answer may wait for a read of the
# cluster): handleReview's share is theirs together.
review_ir=$(( $(inclusive 'admission::readReview') + $(inclusive 'admission::answerReview\(') ))
handshake_ir="$(inclusive '\?\?\?:SSL_do_handshake ')"
reviews="$(callgrind_annotate --tree=calling --inclusive=yes "$dump" 2>/dev/null |
  grep -E '> .*admission::answerReview\(' | grep -o '([0-9,]*x)' | tr -dc '0-9\n' | head -1)"
[[ -n "$reviews" && "$reviews" -gt 0 ]] || { echo "callgrind: no review answered" >&2; exit 1; }
per=$(( (total - ${handshake_ir:-0}) / reviews ))
printf 'reviews counted: %s\n' "$reviews"
printf 'instructions per request: %s (reading and answering the review %s, the rest %s)\n' "$per" \
  "$(( review_ir / reviews ))" "$(( per - review_ir / reviews ))"
