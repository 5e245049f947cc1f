"""Extracts the official Python SDK's description of each method (scripts/extract-sdk-types).

usage: python sdk_extract.py REFERENCE_DIR OUTPUT_JSON

For every row of endpoints.tsv: the SDK method's parameters and their types (from its signature
and TypedDicts), and where each one travels, found by making the call with every parameter given
(sdk_introspect.sample) through httpx's MockTransport and reading the request: query, JSON body,
multipart part, header, or the raw body. Deterministic output (sorted keys, no timestamps).
"""
import inspect
import json
import os
import re
import sys
import urllib.parse

import telnyx

from sdk_introspect import capture, parameters, sample, schema, sdk_method
from sdk_responses import Components, answer_type

# Headers every SDK request carries; any other header comes from a parameter.
STANDARD_HEADERS = {"accept", "accept-encoding", "authorization", "connection", "content-length",
                    "content-type", "host", "user-agent"}


def rows(reference):
    with open(os.path.join(reference, "endpoints.tsv"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


def root(key):
    return key.split("[", 1)[0]


def multipart_names(request):
    """The part names of a multipart body, in order."""
    content_type = request.headers.get("content-type", "")
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    names = []
    for chunk in request.content.split(b"--" + boundary)[1:]:
        head = chunk.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        if 'name="' in head:
            names.append(head.split('name="', 1)[1].split('"', 1)[0])
    return names


def describe(client_probe, row, components):
    resource, method = row["resource"], row["method"]
    path_names = [n for n in (row["positional"].split(",")[0:1] if row["positional"] != "-" else [])]
    path_names += row["keyword_path"].split(",") if row["keyword_path"] != "-" else []
    bound = sdk_method(client_probe, resource, method)
    params = parameters(bound)
    model = answer_type(bound)
    args, kwargs = [], {}
    for name, hint, _, positional in params:
        value = "p-" + name if name in path_names else sample(hint, name)
        if positional:
            args.append(value)
        else:
            kwargs[name] = value
    request = capture(lambda c: sdk_method(c, resource, method)(*args, **kwargs))
    if request is None:
        return {"error": "the call sent nothing"}
    content_type = request.headers.get("content-type", "").split(";")[0] or None
    query_roots = {root(k) for k, _ in urllib.parse.parse_qsl(request.url.query.decode(), keep_blank_values=True)}
    body_roots, body_kind = set(), None
    if request.content:
        if content_type == "application/json":
            body = json.loads(request.content)
            body_kind = "object" if isinstance(body, dict) else "array" if isinstance(body, list) else "scalar"
            body_roots = set(body) if isinstance(body, dict) else set()
        elif content_type == "multipart/form-data":
            body_kind = "multipart"
            body_roots = {root(n) for n in multipart_names(request)}
        else:
            body_kind = "raw"
    # Headers from parameters: the non-standard ones, and a standard one a parameter names (accept).
    named = {n.lower() for n, *_ in params}
    sent = [k.decode() for k, _ in request.headers.raw]
    headers = {k.lower(): k for k in sent if (k.lower() not in STANDARD_HEADERS or k.lower() in named)
               and not k.lower().startswith("x-stainless")}
    out = {"http": request.method, "path": urllib.parse.unquote(request.url.path),
           "query": {}, "body": {}, "headers": {}}
    query_keys = [k for k, _ in urllib.parse.parse_qsl(request.url.query.decode(), keep_blank_values=True)]
    flat = {k.replace("[", "_").replace("]", ""): k for k in query_keys}
    placed_keys = set()
    if content_type:
        out["content_type"] = content_type
    if body_kind:
        out["body_kind"] = body_kind
    unplaced = []
    for name, hint, required, _ in params:
        if name in path_names:
            continue
        wire = alias_of(bound, name)
        if wire.endswith("[]") and root(wire) in body_roots:
            pass  # a multipart field the SDK names with its brackets (timestamp_granularities[])
        elif name in query_roots or name in body_roots:
            wire = name  # on the wire under its own name (alias_of can find another class's alias)
        entry = {"schema": schema(hint), "required": required}
        if wire != name:
            entry["python"] = name
        if wire in query_roots:
            out["query"][wire] = entry
            placed_keys.update(k for k in query_keys if root(k) == wire)
        elif name in flat and "[" in flat[name]:
            # A member the SDK flattens into a name of its own: page_number is page[number].
            entry["python"] = name
            out["query"][flat[name]] = entry
            placed_keys.add(flat[name])
        elif wire in body_roots or (wire.endswith("[]") and root(wire) in body_roots):
            out["body"][wire] = entry
        elif body_kind in ("object", "multipart") and isinstance(kwargs.get(name), dict) and "body_param" not in out:
            # The body is this parameter's members (`body=` of the WireGuard and network calls).
            out["body_param"] = name
            props = schema(hint)
            for member, member_schema in props.get("properties", {}).items():
                out["body"][member] = {"schema": member_schema, "required": member in props.get("required", [])}
        elif body_kind in ("raw", "array", "scalar") and "raw_param" not in out and not any(
                h.replace("-", "_") == name.lower() for h in headers):
            # The whole body is this parameter (a bare array, the raw bytes of an upload).
            out["raw_param"] = name
            out["raw_schema"] = schema(hint)
        else:
            header = next((h for h in headers if name.lower() in (h.replace("-", "_"), "header_" + h.replace("-", "_"))), None)
            if header is not None:
                out["headers"][headers[header]] = entry
            else:
                unplaced.append(name)
    fixed = {k: v for k, v in urllib.parse.parse_qsl(request.url.query.decode()) if k not in placed_keys}
    if model is not None:
        out["response"] = components.add(model)
    docs = argument_docs(bound)
    if docs:
        out["docs"] = docs
    if fixed:
        out["fixed_query"] = dict(sorted(fixed.items()))
    if unplaced:
        out["unplaced"] = unplaced
    for key in ("query", "body", "headers"):
        if not out[key]:
            del out[key]
    return out


def argument_docs(bound):
    """{python name: description} from the "Args:" section of the SDK method's docstring."""
    doc = inspect.getdoc(bound) or ""
    if "Args:" not in doc:
        return {}
    out, current = {}, None
    for line in doc.split("Args:", 1)[1].split("\n"):
        match = re.match(r"^  (\w+): (.*)$", line)
        if match:
            current = match.group(1)
            out[current] = match.group(2).strip()
        elif line.startswith("      ") and current:
            out[current] += " " + line.strip()
        elif line.strip():
            current = None
    return {k: " ".join(v.split()) for k, v in out.items()
            if k not in ("extra_headers", "extra_query", "extra_body", "timeout")}


def alias_of(bound, name):
    """The wire name of a parameter: its TypedDict alias (`from_` -> `from`), else its own."""
    import typing_extensions
    from sdk_introspect import unwrap
    module = sys.modules[bound.__func__.__module__]
    # The params TypedDicts of the method live in telnyx.types; find the one with this member.
    for value in vars(module).values():
        mod = getattr(value, "__name__", "")
        if not mod.startswith("telnyx.types"):
            continue
        for cls in vars(value).values():
            if isinstance(cls, type) and typing_extensions.is_typeddict(cls) and cls.__name__.endswith("Params"):
                hints = getattr(cls, "__annotations__", {})
                if name in hints:
                    try:
                        member = typing_extensions.get_type_hints(cls, include_extras=True)[name]
                    except Exception:
                        continue
                    _, info, _ = unwrap(member)
                    if info is not None and info.alias:
                        return info.alias
    return name


def main():
    reference, output = sys.argv[1], sys.argv[2]
    probe = telnyx.Telnyx(api_key="KEY_SDK", base_url="http://sdk.test/v2", max_retries=0)
    methods, components = {}, Components()
    for row in rows(reference):
        full = row["resource"] + "." + row["method"]
        try:
            methods[full] = describe(probe, row, components)
        except Exception as error:  # recorded, so a new SDK's surprises show in the diff
            methods[full] = {"error": "%s: %s" % (type(error).__name__, error)}
    doc = {"_generated": "by scripts/extract-sdk-types from the Python SDK; do not edit",
           "sdk": "telnyx " + telnyx.__version__, "methods": methods, "components": components.schemas}
    with open(output, "w", encoding="utf-8") as f:
        json.dump(doc, f, sort_keys=True, indent=1, ensure_ascii=False)
        f.write("\n")
    errors = sorted(k for k, v in methods.items() if "error" in v or "unplaced" in v)
    print("wrote %s: %d methods, %d with problems: %s" % (output, len(methods), len(errors), ", ".join(errors[:20])),
          file=sys.stderr)


if __name__ == "__main__":
    main()
