"""What the memory and soak tests share: a `billet serve` process started on free ports, its log
read line by line off the pipe (so the server never blocks on it), and its resident memory.

    server = ServeProcess(billet, ["--policies", "manifests/policies", "--self-signed"])
    server.port, server.metrics_port, server.rss(), server.tail_text()
"""
import collections
import json
import subprocess
import sys
import threading
import time


class ServeProcess:
    def __init__(self, billet, args, on_line=None, start_timeout=60):
        """Starts `billet serve ARGS --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0` and waits
        for its `serving` line; exits the test when it does not come. `on_line(line)` sees every
        later log line, on the reading thread."""
        self.tail = collections.deque(maxlen=20)  # the last log lines, shown on failure
        self.process = subprocess.Popen(
            [billet, "serve", *args, "--listen", "127.0.0.1:0", "--metrics-listen",
             "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        self.pid = self.process.pid
        self.port = self.metrics_port = None
        deadline = time.time() + start_timeout
        for line in self.process.stdout:
            self.tail.append(line[:300])
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "serving":
                self.port, self.metrics_port = entry["port"], entry["metricsPort"]
                break
            if time.time() > deadline:
                break
        if not self.port:
            self.process.kill()
            sys.exit("billet serve did not start:\n" + self.tail_text())
        threading.Thread(target=self._read, args=(on_line,), daemon=True).start()

    def _read(self, on_line):
        for line in self.process.stdout:
            self.tail.append(line[:300].rstrip("\n") + "\n")
            if on_line:
                on_line(line)

    def rss(self):
        """VmRSS in bytes; OSError once the process is gone."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        """SIGTERM, then SIGKILL after 30 s."""
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def tail_text(self):
        return "".join(self.tail)


def wait_until(condition, timeout, every=0.05):
    """True as soon as condition() is; False when it still is not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
