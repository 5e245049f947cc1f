"""Every method, called with all its parameters, through the official Python SDK and through
telnyx-lua, reaches a recording server identically: method, path, query, body, content type and
the parameters' headers.

usage: python wire-parity.py TELNYX_LUA [--minimal] [FULL_NAME ...]

Run with the python of scripts/python-sdk (by Tests/EndToEndTests/WireParityTests.swift). Each
call's arguments are sdk_introspect.sample values for the SDK method's parameters (strings are
the parameter's name, lists one item, objects every member; with --minimal only the required
parameters, the other end of the range); the Lua call passes the same values
under the SDK's Python names. Each call goes to its own base URL (/<index>/v2) so the recorder
knows which call a request belongs to. Compared: the path as sent, the query as its encoded pairs
(order aside), JSON bodies as values, multipart bodies as their parts, raw bodies as bytes.

Prints one JSON line: {"methods", "identical", "differences": {name: why}, "exceptions": {...}};
exits 1 when a method differs and is not in EXCEPTIONS.
"""
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import telnyx  # noqa: E402

from sdk_introspect import parameters, sample, sdk_method  # noqa: E402
from telnyx._utils._transform import transform  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Methods whose calls cannot match, each with the reason.
EXCEPTIONS = {
    "ai.collections.retrieve_documents": "not in the pinned SDK (endpoints.tsv is newer)",
    "meeting_sessions.retrieve_recordings": "not in the pinned SDK (endpoints.tsv is newer)",
    "sip_registration_status.retrieve": "not in the pinned SDK (endpoints.tsv is newer)",
    "texml.accounts.calls.calls": "the SDK sends body='s members under their Python names (application_sid, "
                                  "transformed as CallCallsParams, not Body); telnyx-lua sends the API's ApplicationSid",
}
# Headers every request carries; the others come from parameters and are compared.
COMMON_HEADERS = {"accept", "accept-encoding", "authorization", "connection", "content-length", "content-type",
                  "host", "user-agent", "idempotency-key-auto"}
recorded = {}
lock = threading.Lock()


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body are two writes: without this, each answer waits for a delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def answer(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        index, _, rest = self.path[1:].partition("/")
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in COMMON_HEADERS
                   and not k.lower().startswith("x-stainless")}
        with lock:
            recorded.setdefault(index, []).append({
                "method": self.command, "target": "/" + rest, "body": body, "headers": headers,
                "content_type": self.headers.get("content-type")})
        out = b'{"data": [], "meta": {"total_pages": 1, "page_number": 1}}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer


def plain(value):
    """The sample with dates as the strings both clients send (the SDK formats them itself)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def lua(value):
    """A Lua literal of a sample value."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return 'telnyx.file{data = %s, filename = "upload"}' % lua(value.decode())
    if isinstance(value, str):
        return '"' + "".join(c if c.isalnum() or c in " -_.:/+@" else "\\%d" % ord(c) for c in value) + '"'
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join("[%s] = %s" % (lua(k), lua(v)) for k, v in value.items()) + "}"
    raise TypeError(type(value))


def calls(sdk_types, reference, minimal=False):
    """[(index, full name, args, kwargs, lua code)] for every method of endpoints.tsv; with
    `minimal`, only the parameters the SDK requires."""
    with open(os.path.join(reference, "endpoints.tsv"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0].split("\t")
    probe = telnyx.Telnyx(api_key="KEY_PARITY", base_url="http://127.0.0.1:1/v2", max_retries=0)
    out = []
    for index, line in enumerate(lines[1:]):
        row = dict(zip(header, line.split("\t")))
        full = row["resource"] + "." + row["method"]
        if full in EXCEPTIONS and EXCEPTIONS[full].startswith("not in the pinned SDK"):
            continue
        positional = row["positional"].split(",")[0] if row["positional"] != "-" else None
        path = [positional] if positional else []
        path += row["keyword_path"].split(",") if row["keyword_path"] != "-" else []
        bound = sdk_method(probe, row["resource"], row["method"])
        entry = sdk_types.get(full, {})
        # telnyx-lua's name of a parameter is its wire name (`Timeout` for the SDK's `timeout`);
        # the SDK's flattened ones (page_number) are taken as they are.
        wire_names = {p["python"]: wire for part in ("query", "body")
                      for wire, p in entry.get(part, {}).items() if "python" in p and "[" not in wire.rstrip("[]")}
        args, kwargs, table = [], {}, {}
        for name, hint, required, is_positional in parameters(bound):
            if minimal and not required and name not in path:
                continue
            value = "p-" + name if name in path else plain(sample(hint, name))
            if is_positional:
                args.append(value)
            else:
                kwargs[name] = value
            if name == positional:
                continue
            # Nested members under their wire names; the SDK's body={...} under its own name, which
            # telnyx-lua takes as the body's members (the catalog's body_spread).
            table[wire_names.get(name, name)] = transform(value, hint)
        target = "telnyx" + "".join("[%s]" % lua(p) for p in row["resource"].split(".") + [row["method"]])
        call = "%s(%s)" % (target, ", ".join(([lua("p-" + positional)] if positional else []) + [lua(table)]))
        out.append((index, full, args, kwargs, call))
    return out


def normal(request):
    """What is compared of a recorded request."""
    path, _, query = request["target"].partition("?")
    # As sent (still encoded); the order aside, as Lua tables have none (telnyx-lua sorts names).
    pairs = sorted(query.split("&")) if query else []
    media = (request["content_type"] or "").split(";")[0].strip() or None
    body = request["body"]
    if media == "application/json" and body:
        body = json.loads(body)
    elif media == "multipart/form-data" and body:
        boundary = request["content_type"].split("boundary=", 1)[1].strip('"').encode()
        parts = []
        for chunk in body.split(b"--" + boundary)[1:-1]:
            head, _, data = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
            lines = sorted(h.strip() for h in head.decode().split("\r\n") if h)
            parts.append((lines, data.decode("utf-8", "replace")))
        body = sorted(parts)
    else:
        body = body.decode("utf-8", "replace")
    return {"method": request["method"], "path": path, "query": pairs, "body": body, "content_type": media,
            "headers": sorted(request["headers"].items())}


def first_difference(a, b):
    """The two values where they first differ, shortened, for the report."""
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for x, y in zip(a, b):
            if x != y:
                return first_difference(x, y)
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return "%s=%s" % (k, json.dumps(a.get(k), default=str)[:150]), "%s=%s" % (k, json.dumps(b.get(k), default=str)[:150])
    return json.dumps(a, default=str)[:300], json.dumps(b, default=str)[:300]


def main():
    args = sys.argv[1:]
    minimal = "--minimal" in args
    args = [a for a in args if a != "--minimal"]
    telnyx_lua, only = args[0], set(args[1:])
    with open(os.path.join(ROOT, "scripts", "sdk-types.json"), encoding="utf-8") as f:
        sdk_types = json.load(f)["methods"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    todo = [c for c in calls(sdk_types, os.path.join(ROOT, "..", "shared", "telnyx"), minimal)
            if not only or c[1] in only]
    started = time.monotonic()
    client = telnyx.Telnyx(api_key="KEY_PARITY", base_url=base, max_retries=0)
    for index, full, args, kwargs, _ in todo:
        client.base_url = "%s/s%d/v2" % (base, index)  # one client: making 1250 is most of the time
        try:
            resource, method = full.rsplit(".", 1)
            sdk_method(client, resource, method)(*args, **kwargs)
        except Exception:  # the canned answer need not fit; the request is what is compared
            pass
    sdk_seconds = time.monotonic() - started
    script = ["local errors = {}"]
    for index, full, _, _, call in todo:
        script.append('telnyx.configure{base_url = "%s/l%d/v2", api_key = "KEY_PARITY", max_retries = 0}' % (base, index))
        # A list answers with a paginator, which asks for its first page when read.
        script.append("do local ok, e = pcall(function() local r = %s; pcall(function() return r:first() end) end) "
                      "if not ok then errors[#errors + 1] = %s .. ': ' .. tostring(e) end end" % (call, lua(full)))
    script.append('for _, e in ipairs(errors) do io.write(e:gsub("\\n", " "), "\\n") end')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("\n".join(script) + "\n")
    try:
        started = time.monotonic()
        run = subprocess.run([telnyx_lua, f.name], capture_output=True, text=True, timeout=300)
        lua_seconds = time.monotonic() - started
    finally:
        os.unlink(f.name)
    lua_errors = {}
    for line in run.stdout.splitlines():
        name, _, why = line.partition(": ")
        lua_errors[name] = why
    differences = {}
    for index, full, _, _, _ in todo:
        sdk, ours = recorded.get("s%d" % index, []), recorded.get("l%d" % index, [])
        if not sdk:
            differences[full] = "the SDK sent nothing"
        elif not ours:
            differences[full] = "telnyx-lua sent nothing: " + lua_errors.get(full, "?")[:300]
        else:
            a, b = normal(sdk[0]), normal(ours[0])
            diff = [k for k in a if a[k] != b[k]]
            if diff:
                differences[full] = "; ".join("%s: sdk %s, ours %s" % (k, *first_difference(a[k], b[k])) for k in diff)
    unexpected = {k: v for k, v in differences.items() if k not in EXCEPTIONS}
    print(json.dumps({"methods": len(todo), "identical": len(todo) - len(differences),
                      "exceptions": EXCEPTIONS, "differences": unexpected, "lua_status": run.returncode,
                      "lua_stderr": run.stderr[-2000:], "seconds": {"sdk": round(sdk_seconds, 1),
                                                                    "telnyx_lua": round(lua_seconds, 1)}}, indent=1, sort_keys=True))
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
