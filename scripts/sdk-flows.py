"""Drives the sandbox's simulated calls and messages with the official Telnyx Python SDK.

usage: python sdk-flows.py SANDBOX_URL PUBLIC_KEY

Starts its own webhook receiver on loopback, checks every webhook with the SDK's own Ed25519
verification (client.webhooks.unwrap), every TeXML request with telnyx.lib's verifier, and runs:
a dialled call (answer, speak, gather "1", hangup), a TeXML call (Say, Gather, Redirect, Hangup),
and a message (sent, finalized). Prints one JSON line of results; exits 1 on any failure.
Run by Tests/EndToEndTests/SimulationEndToEndTests.swift with the python of scripts/python-sdk.
"""
import json
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import telnyx
from telnyx.lib.webhook_verification import verify_webhook_signature

SANDBOX, PUBLIC_KEY = sys.argv[1], sys.argv[2]
client = telnyx.Telnyx(api_key="sdk-test", base_url=SANDBOX + "/v2", public_key=PUBLIC_KEY, max_retries=0)
received = []  # (path, event_type or None, payload or form)
lock = threading.Lock()
DOCUMENTS = {
    "/voice": '<Response><Say>Welcome to Acme</Say><Gather action="/gathered" numDigits="1">'
              '<Say>Press 1 for sales</Say></Gather></Response>',
    "/gathered": "<Response><Redirect>/final</Redirect></Response>",
    "/final": "<Response><Say>Goodbye</Say><Hangup/></Response>",
}


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        headers = {k: v for k, v in self.headers.items()}
        path = self.path.split("?")[0]
        try:
            if self.headers.get("content-type", "").startswith("application/json"):
                event = client.webhooks.unwrap(body, headers=headers)  # raises unless the signature verifies
                item = (path, event.data.event_type, json.loads(body)["data"]["payload"])
            else:
                verify_webhook_signature(body, headers, PUBLIC_KEY)
                item = (path, None, dict(urllib.parse.parse_qsl(body)))
        except Exception as error:  # an unverifiable request is a failure of the test
            item = (path, "UNVERIFIED", str(error))
        with lock:
            received.append(item)
        answer = DOCUMENTS.get(path, "ok").encode()
        self.send_response(200)
        self.send_header("content-type", "application/xml" if path in DOCUMENTS else "text/plain")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def admin(path, body):
    request = urllib.request.Request(SANDBOX + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_for(predicate, what, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with lock:
            snapshot = list(received)
        if predicate(snapshot):
            return snapshot
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}: {received}")


def events(snapshot, path):
    return [item for item in snapshot if item[0] == path and item[1]]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}"
    admin("/__sandbox/parties", {"number": "+13125550100", "answer_after_ms": 20, "digits": "1"})
    results = {}

    # Call Control through the SDK.
    call = client.calls.dial(connection_id="sdk-conn", to="+13125550100", from_="+13125550199",
                             webhook_url=hook + "/cc", client_state="c2Rr")
    call_id = call.data.call_control_id
    wait_for(lambda s: any(e[1] == "call.answered" for e in events(s, "/cc")), "call.answered")
    client.calls.actions.speak(call_id, payload="Hello from the SDK", voice="female")
    wait_for(lambda s: any(e[1] == "call.speak.ended" for e in events(s, "/cc")), "call.speak.ended")
    client.calls.actions.gather_using_speak(call_id, payload="Press 1", voice="female", maximum_digits=1)
    wait_for(lambda s: any(e[1] == "call.gather.ended" for e in events(s, "/cc")), "call.gather.ended")
    client.calls.actions.hangup(call_id)
    snapshot = wait_for(lambda s: any(e[1] == "call.hangup" for e in events(s, "/cc")), "call.hangup")
    sequence = [e[1] for e in events(snapshot, "/cc")]
    check(sequence == ["call.initiated", "call.answered", "call.speak.started", "call.speak.ended",
                       "call.dtmf.received", "call.gather.ended", "call.hangup"], f"call events {sequence}")
    check(all(e[2].get("client_state") == "c2Rr" for e in events(snapshot, "/cc")), "client_state echoed")
    check([e for e in events(snapshot, "/cc") if e[1] == "call.gather.ended"][0][2]["digits"] == "1", "digits")
    try:
        client.calls.actions.speak(call_id, payload="too late", voice="female")
        check(False, "a command on an ended call must fail")
    except telnyx.UnprocessableEntityError as error:
        check("90018" in str(error.body), f"90018 expected: {error.body}")
    results["call_control"] = sequence

    # TeXML through the SDK.
    created = client.texml.accounts.calls.calls(
        "AC-sdk", body={"ApplicationSid": "sdk-app", "To": "+13125550100", "From": "+13125550199",
                        "Url": hook + "/voice", "StatusCallback": hook + "/status"})
    snapshot = wait_for(lambda s: any(e[0] == "/status" and e[2].get("StatusCallbackEvent") == "completed" for e in s),
                        "completed status callback")
    check(not any(e[1] == "UNVERIFIED" for e in snapshot), "every request verifies")
    fetched = [e[0] for e in snapshot if e[0] in DOCUMENTS]
    check(fetched == ["/voice", "/gathered", "/final"], f"documents fetched {fetched}")
    check([e for e in snapshot if e[0] == "/gathered"][0][2].get("Digits") == "1", "Digits posted to the action")
    statuses = [e[2].get("StatusCallbackEvent") for e in snapshot if e[0] == "/status"]
    check(statuses == ["initiated", "ringing", "answered", "completed"], f"status callbacks {statuses}")
    results["texml"] = {"fetched": fetched, "statuses": statuses, "created": created.to_dict()}

    # Messaging through the SDK.
    message = client.messages.send(from_="+13125550001", to="+13125550002", text="hi", webhook_url=hook + "/sms")
    snapshot = wait_for(lambda s: len(events(s, "/sms")) == 2, "message.sent and message.finalized")
    kinds = [e[1] for e in events(snapshot, "/sms")]
    check(kinds == ["message.sent", "message.finalized"], f"message events {kinds}")
    check(all(e[2]["id"] == message.data.id for e in events(snapshot, "/sms")), "message id")
    results["messaging"] = kinds

    check(not any(e[1] == "UNVERIFIED" for e in received), f"unverified: {[e for e in received if e[1] == 'UNVERIFIED']}")
    results["verified"] = len(received)
    print(json.dumps(results), flush=True)
    server.shutdown()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print(f"sdk-flows: FAILED: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
