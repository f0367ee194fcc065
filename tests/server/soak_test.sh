#!/usr/bin/env bash
# Soak: `billet serve` under a steady load for DURATION seconds while its policies are reloaded
# and its certificate rotated. Four keep-alive TLS clients each POST the sample review
# (fuzz/corpus/admission_review/sample-deployment-gpu.json) at a fixed rate (RATE requests a
# second in all, default 100), alternately to /mutate and /validate. Every DURATION/6 seconds the
# policy directory and the certificate directory are swapped as the kubelet swaps a ConfigMap or
# Secret volume (the ..data symlink): the policies alternate between the bundled pack and the pack
# plus one Audit policy, and `billet certs generate --force` issues a new CA and certificate.
# VmRSS is sampled every second.
# Passes with zero non-2xx answers and zero transport errors, every reload and rotation seen in
# the log, and RSS growth under 5% from the first sample after warm-up (1.5 x DURATION/6: after
# the first reload and rotation) to the end.
#   soak_test.sh BILLET ROOT DURATION [RATE]
# The documented 10-minute run: tests/server/soak_test.sh build/billet . 600
set -euo pipefail
PYTHONPATH="$(dirname "$0")" exec python3 - "$@" <<'PY'
import collections, http.client, os, shutil, ssl, subprocess, sys, tempfile, threading, time

from serve_process import ServeProcess, wait_until

billet, root, duration = sys.argv[1], sys.argv[2], float(sys.argv[3])
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 100.0
CLIENTS = 4
period = duration / 6
# Warm-up ends half a period after the first reload and rotation: what the first reload allocates
# once (a second policy set and TLS context side by side) is not growth.
warmup = period * 1.5
work = tempfile.mkdtemp(prefix="billet-soak-")
review = open(os.path.join(root, "fuzz/corpus/admission_review/sample-deployment-gpu.json"),
              "rb").read()
pack = sorted(os.path.join(root, "manifests/policies", f)
              for f in os.listdir(os.path.join(root, "manifests/policies")) if f.endswith(".yaml"))
probe = os.path.join(work, "zz-soak-probe.yaml")
with open(probe, "w") as f:
    f.write("""apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: soak-probe}
spec:
  mode: Audit
  match: {kinds: [Deployment]}
  rules:
    - name: probe
      validate:
        message: 'soak probe saw {name}'
        deny:
          - {path: 'object.metadata.name', op: Exists}
""")
generation = [0]


def volume_install(dest, files):
    """FILES laid out in DEST as a ConfigMap or Secret volume: names linked through ..data to a
    timestamped directory, replaced with one atomic rename of ..data (tests/cluster/lib.sh)."""
    generation[0] += 1
    gen = f"..gen_{generation[0]}"
    os.makedirs(os.path.join(dest, gen))
    for f in files:
        shutil.copy(f, os.path.join(dest, gen))
    tmp = os.path.join(dest, "..data_tmp")
    os.symlink(gen, tmp)
    os.replace(tmp, os.path.join(dest, "..data"))
    names = {os.path.basename(f) for f in files}
    for n in names:
        link = os.path.join(dest, n)
        if not os.path.islink(link):
            os.symlink(os.path.join("..data", n), link)
    for e in os.listdir(dest):
        p = os.path.join(dest, e)
        if e.startswith("..gen_") and e != gen:
            shutil.rmtree(p)
        elif os.path.islink(p) and not e.startswith("..") and e not in names:
            os.unlink(p)


def issue_cert():
    staging = os.path.join(work, "certs")
    subprocess.run([billet, "certs", "generate", "--service", "billet", "--namespace", "soak",
                    "--san", "127.0.0.1", "--out", staging, "--force"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    volume_install(os.path.join(work, "tls"),
                   [os.path.join(staging, "tls.crt"), os.path.join(staging, "tls.key")])


policies, tlsdir = os.path.join(work, "policies"), os.path.join(work, "tls")
os.makedirs(policies)
os.makedirs(tlsdir)
volume_install(policies, pack)
issue_cert()

counts = collections.Counter()


def count_reloads(line):
    for msg in ("policies reloaded", "policy reload rejected", "certificate reloaded",
                "certificate reload rejected"):
        if f'"msg":"{msg}"' in line:
            counts[msg] += 1


server = ServeProcess(billet, ["--policies", policies,
                               "--tls-cert", os.path.join(tlsdir, "tls.crt"),
                               "--tls-key", os.path.join(tlsdir, "tls.key"),
                               "--reload-interval", "1s"], on_line=count_reloads)
port, rss = server.port, server.rss

tls = ssl.create_default_context()
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE  # the CA changes with every rotation
stop = threading.Event()
results = collections.Counter()
errors = []
latencies = []
lock = threading.Lock()


def client(index):
    interval = CLIENTS / rate
    conn = None
    n = 0
    next_at = time.monotonic() + index * interval / CLIENTS
    while not stop.is_set():
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        next_at += interval
        path = "/mutate" if n % 2 == 0 else "/validate"
        n += 1
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10)
            conn.request("POST", path, body=review, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            status = r.status
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
            conn = None
        with lock:
            results[status] += 1
            latencies.append(time.monotonic() - t0)
            if status != 200 and len(errors) < 10:
                errors.append(f"{path}: {status}")


threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
start = time.monotonic()
for t in threads:
    t.start()
samples = []
reloads = rotations = 0
next_swap = start + period
try:
    while time.monotonic() - start < duration:
        time.sleep(1)
        now = time.monotonic() - start
        samples.append((now, rss()))
        if not server.alive():
            break
        if time.monotonic() >= next_swap and now < duration - 2:
            next_swap += period
            reloads += 1
            volume_install(policies, pack + ([probe] if reloads % 2 else []))
            rotations += 1
            issue_cert()
finally:
    stop.set()
    for t in threads:
        t.join()
    # The last swap's reload and rotation are logged (the server looks every second).
    wait_until(lambda: counts["policies reloaded"] + counts["policy reload rejected"] >= reloads
               and counts["certificate reloaded"] + counts["certificate reload rejected"]
               >= rotations, timeout=10)
    alive = server.alive()
    server.stop()
    shutil.rmtree(work, ignore_errors=True)

MIB = 1024 * 1024
after_warmup = next(v for t, v in samples if t >= warmup) if samples else 0
end = samples[-1][1] if samples else 0
growth = (end - after_warmup) / after_warmup * 100 if after_warmup else 0
total = sum(results.values())
ok = results.get(200, 0)
latencies.sort()
p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0
print(f"{duration:.0f} s at {rate:.0f} req/s over {CLIENTS} keep-alive connections: {total} requests "
      f"({total / duration:.1f}/s), {ok} answered 200, p99 {p99:.1f} ms; "
      f"{reloads} policy swaps ({counts['policies reloaded']} reloads logged), "
      f"{rotations} certificate rotations ({counts['certificate reloaded']} logged)")
print(f"RSS {samples[0][1] / MIB:.1f} MiB at start, {after_warmup / MIB:.1f} MiB after warm-up "
      f"({warmup:.0f} s), {end / MIB:.1f} MiB at the end: growth {growth:+.2f}% "
      f"(peak {max(v for _, v in samples) / MIB:.1f} MiB)")
print("RSS (MiB) every DURATION/12: " + " ".join(
    f"{v / MIB:.1f}" for i, (t, v) in enumerate(samples) if i % max(1, len(samples) // 12) == 0))
failures = []
if not alive:
    failures.append("the server exited")
if ok != total:
    failures.append(f"{total - ok} errors: {dict(results)} e.g. {errors}")
if counts["policies reloaded"] < reloads or counts["certificate reloaded"] < rotations:
    failures.append(f"reloads logged {dict(counts)} for {reloads} swaps and {rotations} rotations")
if counts["policy reload rejected"] or counts["certificate reload rejected"]:
    failures.append(f"rejected reloads: {dict(counts)}")
if growth >= 5:
    failures.append(f"RSS grew {growth:.2f}% (bound 5%)")
if total < 0.8 * rate * duration:
    failures.append(f"only {total} requests sent: the client did not hold the rate")
if failures:
    print("server log (tail):\n" + server.tail_text())
    sys.exit("FAIL: " + "; ".join(failures))
print("PASS")
PY
