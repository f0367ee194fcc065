#!/usr/bin/env bash
# The memory bound (issue 11, finding 1): `billet serve` with the bundled pack and its defaults
# stays under 128 MiB of RSS whatever a client sends. Runs each attack of the finding against one
# server, one after the other, and samples VmRSS from /proc every 20 ms throughout:
#   - 3,000 TCP connections that send nothing, held open together;
#   - 2,000 TLS connections that finish the handshake and send nothing, held open together;
#   - a 6 MiB body `[0,0,0,…]` to /mutate, five times;
#   - 40 reviews with a 4 MB container name in distinct namespaces, then
#     GET /reports?format=policyreport;
#   - 20 reviews of distinct 1 MB kinds, then GET /metrics.
# Fails when the peak reaches 128 MiB, or when the server dies or stops answering /healthz.
#   memory_bound_test.sh BILLET ROOT [SERVE-FLAG...]   (flags added to `billet serve`)
set -euo pipefail
PYTHONPATH="$(dirname "$0")" exec python3 - "$@" <<'PY'
import http.client, json, os, resource, socket, ssl, sys, threading, time

from serve_process import ServeProcess

billet, root, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
LIMIT = 128 * 1024 * 1024
MIB = 1024 * 1024

# 3,000 client sockets plus the server's: raise the soft limit (inherited by the server).
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16384), hard))

server = ServeProcess(billet, ["--policies", os.path.join(root, "manifests/policies"),
                               "--self-signed", *extra])
port, metrics_port, rss = server.port, server.metrics_port, server.rss

peak = {"all": 0, "phase": 0}
stop = threading.Event()


def sampler():
    while not stop.is_set():
        try:
            v = rss()
        except OSError:
            return
        peak["all"] = max(peak["all"], v)
        peak["phase"] = max(peak["phase"], v)
        time.sleep(0.02)


threading.Thread(target=sampler, daemon=True).start()
tls = ssl.create_default_context()
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
failures = []


def request(method, target, body=None, metrics=False, timeout=60):
    if metrics:
        c = http.client.HTTPConnection("127.0.0.1", metrics_port, timeout=timeout)
    else:
        c = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=timeout)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        c.request(method, target, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, len(data)
    except (OSError, http.client.HTTPException) as e:
        return type(e).__name__, 0
    finally:
        c.close()


def review(namespace, container, kind="Pod", uid="u"):
    obj = {"apiVersion": "v1", "kind": kind,
           "metadata": {"name": "p", "namespace": namespace},
           "spec": {"containers": [{"name": container, "image": "evil.io/miner:latest"}]}}
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                       "request": {"uid": uid, "operation": "CREATE",
                                   "kind": {"group": "", "version": "v1", "kind": kind},
                                   "resource": {"group": "", "version": "v1", "resource": "pods"},
                                   "namespace": namespace, "name": "p",
                                   "userInfo": {"username": "mallory"}, "object": obj}})


def phase(name, attack):
    # Measuring windows, not waits for an event: RSS before the attack once the previous one's
    # memory has been given back, and after it while the server finishes what was sent.
    time.sleep(0.5)
    before = rss()
    peak["phase"] = before
    t0 = time.time()
    detail = attack()
    time.sleep(0.5)
    healthy = request("GET", "/healthz", metrics=True)[0] == 200
    print(f"{name}: RSS {before / MIB:.1f} -> peak {peak['phase'] / MIB:.1f} MiB, "
          f"after {rss() / MIB:.1f} MiB, {time.time() - t0:.1f} s; {detail}", flush=True)
    if not server.alive():
        failures.append(f"{name}: the server exited ({server.process.returncode})")
    elif not healthy:
        failures.append(f"{name}: /healthz does not answer")


def idle_tcp(n=3000):
    socks, refused = [], 0
    for _ in range(n):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            refused += 1
    time.sleep(3)  # held open together: the memory they cost while they last
    for s in socks:
        s.close()
    return f"{len(socks)} opened, {refused} refused"


def idle_tls(n=2000):
    socks, failed = [], 0
    for _ in range(n):
        try:
            raw = socket.create_connection(("127.0.0.1", port), timeout=5)
            socks.append(tls.wrap_socket(raw))
        except OSError:
            failed += 1
    time.sleep(3)  # held open together, as above
    for s in socks:
        s.close()
    return f"{len(socks)} handshakes done, {failed} refused or failed"


def zeros_body(times=5):
    size = 6 * MIB
    body = ("[" + "0," * ((size - 2) // 2) + "0]").encode()[:size - 1]
    body = body[:body.rfind(b",")] + b"]"
    statuses = [request("POST", "/mutate", body)[0] for _ in range(times)]
    return f"{len(body)} bytes, statuses {statuses}"


def report_bloat(n=40):
    name = "a" * (4 * 1000 * 1000)
    statuses = {}
    for i in range(n):
        s = request("POST", "/validate", review(f"ns-{i}", name, uid=f"r{i}"))[0]
        statuses[s] = statuses.get(s, 0) + 1
    status, size = request("GET", "/reports?format=policyreport")
    return f"reviews {statuses}; policyreport {status}, {size / MIB:.2f} MiB"


def kind_bloat(n=20):
    statuses = {}
    for i in range(n):
        kind = chr(ord("A") + i) + "k" * (1000 * 1000)
        s = request("POST", "/mutate", review("apps", "c", kind=kind, uid=f"k{i}"))[0]
        statuses[s] = statuses.get(s, 0) + 1
    status, size = request("GET", "/metrics", metrics=True)
    return f"reviews {statuses}; /metrics {status}, {size / 1024:.0f} KiB"


try:
    print(f"idle: RSS {rss() / MIB:.1f} MiB", flush=True)
    phase("3,000 idle TCP connections", idle_tcp)
    phase("2,000 idle TLS connections", idle_tls)
    phase("6 MiB [0,0,...] to /mutate x5", zeros_body)
    phase("40 x 4 MB container names, then /reports?format=policyreport", report_bloat)
    phase("20 kinds of 1 MB, then /metrics", kind_bloat)
finally:
    stop.set()
    server.stop()

print(f"peak RSS {peak['all'] / MIB:.1f} MiB (bound {LIMIT // MIB} MiB)")
if peak["all"] >= LIMIT:
    failures.append(f"peak RSS {peak['all'] / MIB:.1f} MiB reaches the {LIMIT // MIB} MiB bound")
if failures:
    print("server log (tail):\n" + server.tail_text())
    sys.exit("FAIL: " + "; ".join(failures))
print("PASS")
PY
