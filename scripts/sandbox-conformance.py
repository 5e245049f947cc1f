"""Every method, called on the sandbox through the official Python SDK, answers with a body the
SDK's response model accepts: required properties present, types and enums right.

usage: python sandbox-conformance.py SANDBOX_URL [FULL_NAME ...]

Run with the python of scripts/python-sdk (by Tests/EndToEndTests/SandboxConformanceTests.swift)
against `telnyx-sandbox --stateless`, where any well-formed id answers. Each call is the one
scripts/wire-parity.py makes (every parameter given), through `with_raw_response`; the body is
validated with pydantic in strict mode (`TypeAdapter(model).validate_json(body, strict=True)`)
against the method's return type: the model, or for a list the page model with its items.
Methods without a JSON answer (None, binary, text) pass when the status is the method's 2xx.

Prints one JSON line: {"methods", "valid", "failures": {name: why}, "exceptions": {...}};
exits 1 when a method fails and is not in EXCEPTIONS.
"""
import json
import os
import sys
import time
import pydantic

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import telnyx  # noqa: E402

from sdk_introspect import sdk_method  # noqa: E402
from sdk_responses import answer_type  # noqa: E402

wire_parity = __import__("wire-parity")  # the same calls (its module name has a dash)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCEPTIONS = {
    "ai.collections.retrieve_documents": "not in the pinned SDK (endpoints.tsv is newer)",
    "meeting_sessions.retrieve_recordings": "not in the pinned SDK (endpoints.tsv is newer)",
    "sip_registration_status.retrieve": "not in the pinned SDK (endpoints.tsv is newer)",
}


def validate(hint, body):
    """Strict validation of the answer, as the page classes read it: a page built from a bare
    array (DefaultFlatPaginationTopLevelArray's `build`) holds it as its `items`."""
    if body.lstrip()[:1] == b"[" and "items" in getattr(hint, "model_fields", {}):
        body = b'{"items": ' + body + b"}"
    pydantic.TypeAdapter(hint).validate_json(body, strict=True)


def main():
    base, only = sys.argv[1], set(sys.argv[2:])
    with open(os.path.join(ROOT, "scripts", "sdk-types.json"), encoding="utf-8") as f:
        sdk_types = json.load(f)["methods"]
    calls = wire_parity.calls(sdk_types, os.path.join(ROOT, "..", "shared", "telnyx"))
    client = telnyx.Telnyx(api_key="KEY_CONFORMANCE", base_url=base + "/v2", max_retries=0)
    failures, valid, started = {}, 0, time.monotonic()
    todo = [c for c in calls if not only or c[1] in only]
    for _, full, args, kwargs, _ in todo:
        resource, method = full.rsplit(".", 1)
        bound = sdk_method(client, resource, method)
        raw = sdk_method(client.with_raw_response, resource, method)
        try:
            response = raw(*args, **kwargs)
        except telnyx.APIStatusError as error:
            failures[full] = "status %d: %s" % (error.status_code, error.response.text[:300])
            continue
        except Exception as error:  # the SDK could not even read the answer
            failures[full] = "%s: %s" % (type(error).__name__, str(error)[:300])
            continue
        hint = answer_type(bound)
        body = response.http_response.content
        if hint is None:
            valid += 1
            continue
        try:
            validate(hint, body)
            valid += 1
        except pydantic.ValidationError as error:
            problems = ["%s: %s" % (".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()[:3]]
            failures[full] = "%d problems: %s" % (error.error_count(), "; ".join(problems))
        except Exception as error:
            failures[full] = "%s: %s" % (type(error).__name__, str(error)[:300])
    unexpected = {k: v for k, v in failures.items() if k not in EXCEPTIONS}
    print(json.dumps({"methods": len(todo), "valid": valid, "exceptions": EXCEPTIONS, "failures": unexpected,
                      "seconds": round(time.monotonic() - started, 1)}, indent=1, sort_keys=True))
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
