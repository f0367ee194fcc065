#!/usr/bin/env bash
# Server benchmark: billet serve vs nginx returning a fixed JSON body, both over TLS on loopback,
# wrk with keep-alive posting one AdmissionReview to /mutate.
#
#   bench/server/run.sh [BILLET_BINARY] [POLICY_DIR] [REVIEW_JSON]
#
# Defaults: build/billet, manifests/policies, fuzz/corpus/admission_review/sample-deployment-gpu.json
# (the AdmissionReview of a GPU Deployment; paths relative to the repository). DURATION (default 10s) and THREADS (wrk threads, default 2) may be
# set in the environment. Builds nothing; needs wrk, nginx and openssl installed
# (apt-get install wrk nginx openssl). Loopback only; every run is bounded by DURATION.
# RUNS (default 1) repeats the four measurements; each run's table is printed, with each server's
# CPU time per response during the 32-connection run (user + system of its processes, from /proc).
#
# PIN=1 gives each side its own core instead: the server (billet with one thread, nginx with one
# worker process) on core 0, wrk (one thread) on core 1, so that no load generator shares the
# server's core and caches. On a shared virtual machine the figures still vary by 15 % or more
# from run to run; to compare two builds, count instructions (bench/server/callgrind.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
billet="${1:-$root/build/billet}"
policies="${2:-$root/manifests/policies}"
review="${3:-$root/fuzz/corpus/admission_review/sample-deployment-gpu.json}"
duration="${DURATION:-10s}"
wrk_threads="${THREADS:-2}"
pin="${PIN:-0}"
server_threads="$(nproc)" server_cpu=() client_cpu=()
if [[ "$pin" == 1 ]]; then
  (($(nproc) >= 2)) || { echo "bench: PIN=1 needs two cores" >&2; exit 1; }
  command -v taskset >/dev/null || { echo "bench: PIN=1 needs taskset (util-linux)" >&2; exit 1; }
  server_threads=1 wrk_threads=1 server_cpu=(taskset -c 0) client_cpu=(taskset -c 1)
fi

die() { echo "bench: $*" >&2; exit 1; }
for tool in wrk nginx openssl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install $tool)"
done
[[ -x "$billet" ]] || die "no billet binary at $billet (build it first)"
[[ -e "$policies" ]] || die "no policies at $policies"
[[ -f "$review" ]] || die "no AdmissionReview at $review"
review="$(cd "$(dirname "$review")" && pwd)/$(basename "$review")"

tmp="$(mktemp -d /tmp/billet-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port"
}

# One certificate (ECDSA P-256) for both servers, so the TLS cost is the same.
"$billet" certs generate --service localhost --namespace bench --out "$tmp/certs" >/dev/null 2>&1 ||
  die "certs generate failed"

# --- billet ---------------------------------------------------------------------------------
"${server_cpu[@]}" "$billet" serve --threads "${BILLET_THREADS:-$server_threads}" --policies "$policies" --tls-cert "$tmp/certs/tls.crt" --tls-key "$tmp/certs/tls.key" \
  --listen 127.0.0.1:0 >"$tmp/billet.log" 2>"$tmp/billet.err" &
pids+=($!)
billet_port=""
for _ in $(seq 1 100); do
  billet_port="$(grep -o '"msg":"serving".*"port":[0-9]*' "$tmp/billet.log" 2>/dev/null |
    grep -o '"port":[0-9]*' | cut -d: -f2 || true)"
  [[ -n "$billet_port" ]] && break
  sleep 0.1
done
[[ -n "$billet_port" ]] || { cat "$tmp/billet.log" "$tmp/billet.err" >&2; die "billet did not start"; }

# --- nginx: same certificate, a fixed JSON body of the same shape ----------------------------
nginx_port="$(free_port)"
body="$(curl -sk -H 'Content-Type: application/json' --data-binary "@$review" \
  "https://127.0.0.1:$billet_port/mutate" 2>/dev/null || true)"
[[ -n "$body" ]] || body='{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}}'
printf '%s' "$body" >"$tmp/body.json"
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes $server_threads;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  client_max_body_size 6m;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $tmp/certs/tls.crt;
    ssl_certificate_key $tmp/certs/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /mutate {
      default_type application/json;
      return 200 '$(sed "s/'/\\\\'/g" "$tmp/body.json")';
    }
  }
}
CONF
"${server_cpu[@]}" nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sk -o /dev/null "https://127.0.0.1:$nginx_port/mutate" && break
  sleep 0.1
done

billet_pid="${pids[0]}" nginx_pid="${pids[1]}"
# CPU time (user + system, in clock ticks) of a server's processes: billet is one process; nginx
# is its master and the worker processes under it.
clk_tck="$(getconf CLK_TCK)"
server_ticks() {  # name -> "user system"
  local list p user=0 system=0 u s
  if [[ "$1" == billet ]]; then list="$billet_pid"; else list="$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"; fi
  for p in $list; do
    [[ -r /proc/$p/stat ]] || continue
    # Fields 14 and 15 (utime, stime), counted after the command name's closing parenthesis.
    read -r u s < <(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12, $13}')
    user=$((user + u)) system=$((system + s))
  done
  echo "$user $system"
}

export BILLET_REVIEW="$review"
run_wrk() {  # name url conns [--latency]
  local out="$tmp/$1-$3.txt" threads="$wrk_threads" before
  # The latency run uses one wrk thread: on a small machine the load generator competes with
  # the server for cores, and a second wrk thread only adds queueing to the tail.
  [[ -n "${4:-}" ]] && threads=1
  before="$(server_ticks "$1")"
  "${client_cpu[@]}" wrk -t"$threads" -c"$3" -d"$duration" ${4:-} -s "$root/bench/server/post.lua" "$2" >"$out" 2>&1 ||
    { cat "$out" >&2; die "wrk failed for $1"; }
  echo "cpu_ticks: $before $(server_ticks "$1")" >>"$out"
  echo "$out"
}
# The server's CPU time per response in µs (user + system, then each): what a request costs it,
# whatever the load generator took of the same cores.
cpu_us() {  # wrk output [user|system]
  awk -v hz="$clk_tck" -v part="${2:-all}" '/requests in/{n=$1}
    /^cpu_ticks:/{u=$4-$2; s=$5-$3}
    END{ if (n == 0) exit; t = part == "user" ? u : part == "system" ? s : u + s
         printf "%.1f", t * 1000000 / hz / n }' "$1"
}
rps() { grep -o 'Requests/sec: *[0-9.]*' "$1" | awk '{print $2}'; }
p99() { awk '$1=="99%"{print $2}' "$1"; }
to_us() {  # wrk latency text (e.g. 812.00us, 1.20ms) -> microseconds
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); print v+0}
    else if (v ~ /ms$/) {sub(/ms$/,"",v); print v*1000}
    else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000000} else print v }'
}
errors() { grep -o 'non2xx_or_errors: [0-9]*' "$1" | awk '{print $2}'; }

runs="${RUNS:-1}"
echo "billet $("$billet" version | head -1), $(nproc) cores, servers with $server_threads thread(s)/worker(s), wrk $wrk_threads threads, $duration per run, $runs run(s)"
[[ "$pin" == 1 ]] && echo "pinned: servers on core 0, wrk on core 1"
echo "review: $review ($(wc -c <"$review") bytes)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
met=0
for run in $(seq 1 "$runs"); do
  # billet and nginx alternate within each run, so a change in the machine's load hits both.
  b32="$(run_wrk billet "https://127.0.0.1:$billet_port/mutate" 32)"
  n32="$(run_wrk nginx "https://127.0.0.1:$nginx_port/mutate" 32)"
  b8="$(run_wrk billet "https://127.0.0.1:$billet_port/mutate" 8 --latency)"
  n8="$(run_wrk nginx "https://127.0.0.1:$nginx_port/mutate" 8 --latency)"
  ratio32="$(awk -v a="$(rps "$b32")" -v b="$(rps "$n32")" 'BEGIN{printf "%.2f", a/b}')"
  bp="$(to_us "$(p99 "$b8")")"; np="$(to_us "$(p99 "$n8")")"
  pratio="$(awk -v a="$bp" -v b="$np" 'BEGIN{printf "%.2f", a/b}')"
  printf '\nrun %s (load average %s)\n' "$run" "$(cut -d' ' -f1 /proc/loadavg)"
  printf '%-28s %14s %14s %8s\n' "" billet nginx ratio
  printf '%-28s %14s %14s %8s\n' "req/s, 32 connections" "$(rps "$b32")" "$(rps "$n32")" "$ratio32"
  printf '%-28s %14s %14s %8s\n' "req/s, 8 connections" "$(rps "$b8")" "$(rps "$n8")" \
    "$(awk -v a="$(rps "$b8")" -v b="$(rps "$n8")" 'BEGIN{printf "%.2f", a/b}')"
  printf '%-28s %14s %14s %8s\n' "p99 latency µs, 8 conns" "$bp" "$np" "$pratio"
  printf '%-28s %14s %14s %8s\n' "server CPU µs/req, 32 conns" "$(cpu_us "$b32")" "$(cpu_us "$n32")" \
    "$(awk -v a="$(cpu_us "$b32")" -v b="$(cpu_us "$n32")" 'BEGIN{ if (b > 0) printf "%.2f", a/b }')"
  printf '%-28s %14s %14s\n' "  of which user / system" "$(cpu_us "$b32" user) / $(cpu_us "$b32" system)" \
    "$(cpu_us "$n32" user) / $(cpu_us "$n32" system)"
  printf '%-28s %14s %14s\n' "errors / non-200" "$(( $(errors "$b32") + $(errors "$b8") ))" \
    "$(( $(errors "$n32") + $(errors "$n8") ))"
  if awk -v r="$ratio32" -v p="$bp" -v q="$pratio" 'BEGIN{exit !(r >= 0.6 && p < 1000 && q <= 2)}'; then
    echo "targets met in this run"
    met=$((met + 1))
  else
    echo "targets not met in this run"
  fi
done
echo
echo "targets (issue 12): req/s at 32 connections >= 0.6 x nginx; p99 at 8 connections < 1000 µs and <= 2 x nginx's"
echo "met in $met of $runs run(s)"
