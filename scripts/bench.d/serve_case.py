"""Case 6 of scripts/bench: `telnyx-lua serve` receiving webhook deliveries, side by side with
the Python standard library's threading HTTP server doing the same work (parse the JSON, drop
redeliveries, count), both unsigned (--insecure): the same wrk load against each.

Measures deliveries acknowledged per second and the acknowledgement's latency (wrk), that every
acknowledged delivery reached a handler (the app counts), and the RSS of `serve` while 1,000
handlers are in flight at once (each waits 3 s in telnyx.sleep). Standard library only.
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LOAD = os.path.join(HERE, "serve-load.lua")

COUNTER_APP = """
local handled = 0
telnyx.on("*", function(event) handled = handled + 1 end)
telnyx.route("/count", function() return {status = 200, body = tostring(handled)} end, {verify = false})
"""

SLEEPER_APP = """
telnyx.on("*", function(event) telnyx.sleep(3) end)
telnyx.route("/count", function() return {status = 200, body = "0"} end, {verify = false})
"""

PYTHON_RECEIVER = r"""
import http.server, json, sys, threading
seen, lock, handled = set(), threading.Lock(), [0]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        body = str(handled[0]).encode()
        self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        data = json.loads(self.rfile.read(int(self.headers["content-length"])))["data"]
        with lock:
            fresh = data["id"] not in seen
            seen.add(data["id"])
        body = b'{"received":true}'
        self.send_response(200); self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
        if fresh:
            with lock: handled[0] += 1
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
print("listening", flush=True)
s.serve_forever()
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk_post(port, seconds):
    """(acknowledged/s, p50 ms, p99 ms, acknowledged, refused) of wrk POSTing unique deliveries:
    a 503 (queue full, come back later) is not an acknowledgement."""
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", LOAD, f"http://127.0.0.1:{port}"],
                         check=True, text=True, stdout=subprocess.PIPE).stdout

    def millis(label):
        m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    total = int(re.search(r"(\d+) requests in", out).group(1))
    refused = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    refused = int(refused.group(1)) if refused else 0
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) * (total - refused) / max(total, 1),
            millis("50%"), millis("99%"), total - refused, refused)


def count(port):
    """What the receiver says it handled, once the count stops moving."""
    last, stable = -1, 0
    while stable < 3:
        try:
            value = int(urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=10).read())
        except urllib.error.HTTPError as error:  # a 503 while the handlers catch up: ask again
            if error.code != 503:
                raise
            time.sleep(0.2)
            continue
        stable = stable + 1 if value == last else 0
        last = value
        time.sleep(0.2)
    return last


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_serve(telnyx_lua, app, folder):
    path = os.path.join(folder, "app.lua")
    with open(path, "w") as f:
        f.write(app)
    port = free_port()
    process = subprocess.Popen([telnyx_lua, "serve", "--insecure", "--port", str(port), "--grace", "1", path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port)
    return process, port


def in_flight_rss(telnyx_lua, folder, handlers=1000):
    """Peak RSS of serve while `handlers` handlers wait at once, and its RSS at rest before."""
    process, port = start_serve(telnyx_lua, SLEEPER_APP, folder)
    try:
        time.sleep(0.3)
        idle = rss_kb(process.pid)
        body = '{"data":{"id":"%s","event_type":"call.initiated","payload":{"call_control_id":"c%d"}}}'

        def post(i):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks", data=(body % (i, i)).encode(),
                                             headers={"content-type": "application/json"})
            urllib.request.urlopen(request, timeout=30).read()
        threads = [threading.Thread(target=post, args=(i,)) for i in range(handlers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        peak = idle
        for _ in range(20):  # the handlers sleep 3 s; sample while they all wait
            peak = max(peak, rss_kb(process.pid))
            time.sleep(0.1)
        return idle, peak
    finally:
        stop(process)


def measure(telnyx_lua, seconds):
    """One repetition of the case: ours and theirs under the same load, and ours at 1,000 in flight."""
    with tempfile.TemporaryDirectory() as folder:
        ours, port = start_serve(telnyx_lua, COUNTER_APP, folder)
        try:
            rate, p50, p99, sent, refused = wrk_post(port, seconds)
            handled = count(port)
        finally:
            stop(ours)
        theirs_port = free_port()
        theirs = subprocess.Popen(["python3", "-c", PYTHON_RECEIVER, str(theirs_port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_listening(theirs_port)
            t_rate, t_p50, t_p99, t_sent, _ = wrk_post(theirs_port, seconds)
            t_handled = count(theirs_port)
        finally:
            stop(theirs)
        idle, peak = in_flight_rss(telnyx_lua, folder)
    return {"ours": rate, "theirs": t_rate, "p50_ms": p50, "p99_ms": p99, "theirs_p99_ms": t_p99,
            "sent": sent, "refused": refused, "handled": handled, "theirs_sent": t_sent, "theirs_handled": t_handled,
            "idle_rss_kb": idle, "in_flight_rss_kb": peak}
