"""The catalog's second source: the official Python SDK's types (scripts/sdk-types.json, written by
scripts/extract-sdk-types), merged into the lines scripts/generate-catalog builds from the spec.

The spec copy is older than the SDK: 96 methods are not in it at all, and for others the SDK sends
parameters it lacks or types them differently. What the SDK knows wins where the spec is silent
or contradicts it, so that a call the SDK makes is one the catalog accepts and sends the same way:

- a method the spec lacks takes its query, body, content type and headers from the SDK;
- a parameter (or member of a query object) only the SDK has is added;
- a parameter whose spec type shares no type with the SDK's takes the SDK's schema
  (email_domains.create `dmarc_policy`: a string in the spec, an object in the SDK);
- a parameter the spec requires and the SDK does not is no longer required (the SDK's
  texml.accounts.calls.calls takes `Url` or `ApplicationSid`);
- the content type and body shape are the SDK's (a bare JSON array, raw bytes);
- header parameters (Idempotency-Key, ...) are added under their SDK names.

Each line records where its parts came from in `sources` (docs/catalog-format.md).
"""
import json
import os

SDK_TYPES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sdk-types.json")


# Methods the spec describes whose spec response the SDK's model refuses (found by
# SandboxConformanceTests): the sandbox answers them from the SDK's model instead.
RESPONSE_FROM_SDK = {
    "ai.mcp_servers.list": "the SDK reads a bare array where the spec has an envelope",
    "dir.delete": "the SDK expects a JSON body where the spec has none",
    "email_domains.create": "dmarc_policy is an object", "email_domains.delete": "dmarc_policy is an object",
    "email_domains.retrieve": "dmarc_policy is an object", "email_domains.update": "dmarc_policy is an object",
    "email_domains.verify": "dmarc_policy is an object",
    "email_events.list": "event fields the spec lacks", "email_messages.retrieve_events": "event fields the spec lacks",
    "email_messages.batch": "message fields the spec lacks", "email_messages.create": "message fields the spec lacks",
    "email_messages.delete_schedule": "message fields the spec lacks", "email_messages.list": "message fields the spec lacks",
    "email_messages.retrieve": "message fields the spec lacks",
    "email_templates.create": "template fields the spec lacks", "email_templates.list": "template fields the spec lacks",
    "email_templates.render": "template fields the spec lacks", "email_templates.replace": "template fields the spec lacks",
    "email_templates.retrieve": "template fields the spec lacks", "email_templates.update": "template fields the spec lacks",
    "portouts.comments.list": "meta's numbers are integers in the SDK",
    "speech_to_text.list_providers": "a required `hosted` the spec lacks",
    "voice_clones.update": "the provider enum differs", "voice_designs.retrieve": "the provider enum differs",
    "wireless_blocklist_values.list": "the SDK's union of value lists",
}


def load(path=SDK_TYPES):
    """{full name: entry} of sdk-types.json, the SDK version it was extracted from, and the
    components of its response schemas."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return doc["methods"], doc["sdk"], doc.get("components", {})


def argument_docs(entry):
    """{Lua name: the SDK's description} of a method's parameters (its docstring's Args), for
    the parameters the spec does not describe; wire names where the SDK renames (`from_`)."""
    wire = {p["python"]: name for part in ("query", "body") for name, p in entry.get(part, {}).items()
            if "python" in p and "[" not in name}
    spread = entry.get("body_param")
    return {wire.get(name, name): text for name, text in entry.get("docs", {}).items() if name != spread and text}


def add_responses(document, methods, components, statuses):
    """Completes the response-schema document: the SDK's model for the methods the spec has no
    answer for, and for those in RESPONSE_FROM_SDK. Returns {full name: "spec" | "sdk"}."""
    sources = {name: "spec" for name, entry in document["responses"].items() if "schema" in entry}
    reached = []
    for full, entry in methods.items():
        if "response" not in entry:
            continue
        current = document["responses"].get(full)
        if current is not None and "schema" in current and full not in RESPONSE_FROM_SDK:
            continue
        if current is not None and "schema" not in current and full not in RESPONSE_FROM_SDK:
            continue  # the spec says no body (204)
        document["responses"][full] = {"status": statuses.get(full, 200), "content_type": "application/json",
                                       "schema": entry["response"]}
        sources[full] = "sdk"
        reached.append(entry["response"])
    pending = []
    for schema in reached:
        pending += _refs(schema)
    while pending:
        name = pending.pop()
        if name in document["components"] or name not in components:
            continue
        document["components"][name] = components[name]
        pending += _refs(components[name])
    return sources


def _refs(node):
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            found += _refs(value)
        return found
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _types(schema):
    t = schema.get("type", "any")
    return set(t if isinstance(t, list) else [t])


def _query_style(schema):
    types = _types(schema)
    if "object" in types:
        return "deepObject", True
    if "array" in types:
        return "form", False  # the SDK's array_format="comma": a=x,y
    return "form", True


def _insert(props, required, wire, entry):
    """Puts a query parameter into the object schema; `page[number]` goes into `page`."""
    if "[" not in wire:
        props[wire] = dict(entry["schema"])
        if entry["required"]:
            required.add(wire)
        return
    keys = [wire[:wire.index("[")]] + [k.rstrip("]") for k in wire[wire.index("[") + 1:].split("[")]
    node = props.setdefault(keys[0], {"type": "object", "properties": {}})
    for key in keys[1:-1]:
        node = node.setdefault("properties", {}).setdefault(key, {"type": "object", "properties": {}})
    node.setdefault("properties", {})[keys[-1]] = dict(entry["schema"])


def _object(props, required):
    out = {"type": "object"}
    if props:
        out["properties"] = {k: _sorted(v) for k, v in sorted(props.items())}
    else:
        out["additional"] = True
    if required:
        out["required"] = sorted(required)
    return out


def _sorted(schema):
    out = {}
    for key, value in sorted(schema.items()):
        if key == "properties":
            value = {k: _sorted(v) for k, v in sorted(value.items())}
        elif key == "items":
            value = _sorted(value)
        out[key] = value
    return out


def sdk_query(entry):
    props, required = {}, set()
    for wire, param in sorted(entry.get("query", {}).items()):
        _insert(props, required, wire, param)
    if not props:
        return None
    out = _object(props, required)
    for name, prop in out["properties"].items():
        prop["style"], prop["explode"] = _query_style(prop)
    return out


def sdk_body(entry):
    """(schema, content_type) of the body the SDK sends, or (None, None)."""
    kind = entry.get("body_kind")
    if "raw_param" in entry:
        schema = dict(entry["raw_schema"])
        if kind == "array" and "array" not in _types(schema):
            schema = {"type": "array", "items": {"type": "any"}}
        return _sorted(schema), entry.get("content_type")
    params = entry.get("body", {})
    if not params:
        return None, None
    props = {k: v["schema"] for k, v in params.items()}
    return _object(props, {k for k, v in params.items() if v["required"]}), entry.get("content_type")


def sdk_headers(entry):
    """({Lua name: schema}, {Lua name: header}) of the header parameters."""
    props, names = {}, {}
    for header, param in sorted(entry.get("headers", {}).items()):
        name = param.get("python") or header.lower().replace("-", "_")
        props[name] = param["schema"]
        names[name] = header
    return props, names


def merge(line, entry):
    """Completes and corrects `line` (a catalog line built from the spec) with the SDK's entry."""
    if entry is None or "error" in entry:
        line["sources"] = {"params": "spec" if line["checked"] else "none"}
        return line
    added = []
    route = line["route"]
    if route.startswith("/v2/") and entry.get("path", "").startswith("/v2/") and \
            not entry["path"].startswith("/v2/v2/"):
        # endpoints.tsv repeats the base URL's /v2 (x402); the SDK sends the route once.
        line["route"] = route[3:]
        added.append("route")
    query = sdk_query(entry)
    body, content_type = sdk_body(entry)
    if not line["checked"]:
        if query:
            line["query"] = query
        if body is not None:
            line["body"] = body
            line["content_type"] = content_type
        params_source = "sdk"
        added = []
    else:
        if query:
            mine = line.setdefault("query", {"type": "object", "properties": {}})
            added += _complete(mine, query, "query.")
            for wire, param in entry.get("query", {}).items():
                # The spec's flat page_cursor is the SDK's page_cursor, sent as page[cursor].
                if "[" in wire and param.get("python") in mine["properties"] and param["python"] != wire:
                    del mine["properties"][param["python"]]
                    added.append("query.%s (as %s)" % (param["python"], wire))
        if body is not None:
            mine = line.get("body")
            if mine is not None and entry.get("body_kind") == "raw":
                pass  # raw bytes: the spec's schema of them stands (the SDK says only `object`)
            elif mine is None or "properties" not in body or "object" not in _types(mine):
                if mine != body:
                    added.append("body")
                line["body"] = body
            else:
                added += _complete(mine, body, "body.")
            if content_type and line.get("content_type") != content_type:
                line["content_type"] = content_type
                added.append("content_type")
        params_source = "spec+sdk" if added else "spec"
    if "raw_param" in entry and "body" in line:
        line["body_param"] = entry["raw_param"]
    if "body_param" in entry and "body" in line and entry["body_param"] not in line["body"].get("properties", {}):
        line["body_spread"] = entry["body_param"]  # the SDK's body={...}: its members are the body's
    if line["checked"] and "body" in line and not entry.get("body") and "raw_param" not in entry \
            and "body_param" not in entry and not line["body"].get("required"):
        # The SDK's method takes no body parameters and sends none (global_ip_assignments.create).
        del line["body"]
        line.pop("body_required", None)
        line.pop("content_type", None)
        added.append("body (none)")
    if line["result"] == "none" and "response" in entry:
        line["result"] = "json"  # the SDK reads a JSON answer (dir.delete)
        if line["status"] == 204:
            line["status"] = 200  # a 204 has no body
        added.append("result")
    headers, header_names = sdk_headers(entry)
    if headers:
        line["headers"] = _object(headers, set())
        line["header_names"] = header_names
    if entry.get("fixed_query"):
        line["fixed_query"] = entry["fixed_query"]
    line["checked"] = True
    if params_source == "spec" and added:
        params_source = "spec+sdk"
    line["sources"] = {"params": params_source, "response": "spec"}
    if added:
        line["sources"]["from_sdk"] = sorted(added)
    return line


def _refine(ours, theirs, where):
    """Within one parameter the spec and the SDK agree on the type of: the SDK's enum values the
    spec lacks are added (newer options: noise_suppression "aicoustics"), and object members and
    array items are completed the same way, all the way down."""
    changed = []
    if "enum" in ours and "enum" in theirs and any(v not in ours["enum"] for v in theirs["enum"]):
        ours["enum"] = ours["enum"] + [v for v in theirs["enum"] if v not in ours["enum"]]
        changed.append(where + " (enum)")
    elif "enum" in ours and "enum" not in theirs and _types(theirs) & {"string", "integer"}:
        del ours["enum"]  # the SDK takes any value
        changed.append(where + " (enum)")
    if "object" in _types(ours) and "object" in _types(theirs) and "properties" in theirs and "properties" in ours:
        changed += _complete(ours, theirs, where + ".")
    if "items" in ours and "items" in theirs:
        changed += _refine(ours["items"], theirs["items"], where + "[]")
    return changed


def _complete(mine, sdk, prefix):
    """Adds the SDK's parameters the spec lacks to the object schema `mine`, takes the SDK's type
    where the two share none, and drops `required` the SDK does not have. The names changed."""
    changed = []
    props = mine.setdefault("properties", {})
    sdk_required = set(sdk.get("required", []))
    for name, theirs in sdk.get("properties", {}).items():
        ours = props.get(name)
        if ours is None:
            props[name] = theirs
            changed.append(prefix + name)
        elif not (_types(ours) & _types(theirs)) and "any" not in _types(ours) | _types(theirs):
            keep = {k: ours[k] for k in ("style", "explode") if k in ours}
            props[name] = {**theirs, **keep}
            changed.append(prefix + name)
        else:
            changed += _refine(ours, theirs, prefix + name)
    if prefix.count(".") == 1:
        dropped = [r for r in mine.get("required", []) if r not in sdk_required and r in sdk.get("properties", {})]
        # Only where the SDK knows the parameter and leaves it optional; it may be given another way.
        if dropped:
            mine["required"] = [r for r in mine["required"] if r not in dropped]
            if not mine["required"]:
                del mine["required"]
            changed += [prefix + r + " (optional)" for r in dropped]
    mine["properties"] = {k: props[k] for k in sorted(props)}
    return changed
