"""What the official Python SDK's types say about a method, for scripts/extract-sdk-types and
scripts/wire-parity.py (both run with the python of scripts/python-sdk).

- `schema(hint)`: the catalog's compact Schema (docs/catalog-format.md) of a Python type hint
  (TypedDicts, Literal, Optional, unions, lists, dicts, files, dates).
- `sample(hint)`: one value of that type with every member filled in, so that a call made with
  it exercises all of a method's parameters.
- `sdk_method(client, resource, method)`: the bound method of endpoints.tsv's `resource.method`.
- `capture(client_factory, call)`: the request an SDK call sends (through httpx's MockTransport).
"""
import datetime
import inspect
import os
import typing

import httpx
import telnyx
import typing_extensions
from telnyx._utils._transform import PropertyInfo

MAX_DEPTH = 4  # as scripts/generate-catalog: levels described below a parameter
TYPE_ORDER = ["string", "integer", "number", "boolean", "array", "object", "any"]
FRAMEWORK_KWARGS = {"extra_headers", "extra_query", "extra_body", "timeout"}
UPLOAD = b"sdk-upload-bytes"


def _origin(hint):
    return typing_extensions.get_origin(hint)


def _args(hint):
    return typing_extensions.get_args(hint)


def unwrap(hint):
    """(type, PropertyInfo or None, required?) with Annotated, Required and NotRequired removed."""
    info, required = None, None
    while True:
        origin = _origin(hint)
        if origin is typing_extensions.Annotated or origin is typing.Annotated:
            args = _args(hint)
            for meta in getattr(hint, "__metadata__", ()):
                if isinstance(meta, PropertyInfo):
                    info = meta
            hint = args[0]
        elif origin in (typing_extensions.Required, getattr(typing, "Required", None)):
            hint, required = _args(hint)[0], True
        elif origin in (typing_extensions.NotRequired, getattr(typing, "NotRequired", None)):
            hint, required = _args(hint)[0], False
        else:
            return hint, info, required


def _is_omit(hint):
    """The SDK's "not given" markers, which are no part of the wire type."""
    return getattr(hint, "__name__", "") in ("Omit", "NotGiven")


def is_typeddict(hint):
    return isinstance(hint, type) and typing_extensions.is_typeddict(hint)


def is_file(hint):
    """FileTypes and its parts (bytes, IO[bytes], PathLike, the (name, content, ...) tuples); a
    union is a file when all its variants are (`Union[str, Base64FileInput]` is a string)."""
    hint = unwrap(hint)[0]
    if hint in (bytes, os.PathLike) or _origin(hint) in (os.PathLike, typing.IO):
        return True
    if _origin(hint) is tuple:
        return any(is_file(a) for a in _args(hint) if a is not type(None))
    if _origin(hint) is typing.Union:
        variants = [a for a in _args(hint) if a is not type(None) and not _is_omit(a)]
        return bool(variants) and all(is_file(a) for a in variants)
    return False


def members(hint):
    """A TypedDict's members: {python_name: (wire_name, hint, required)}."""
    hints = typing_extensions.get_type_hints(hint, include_extras=True)
    required_keys = getattr(hint, "__required_keys__", set())
    out = {}
    for name, member in hints.items():
        inner, info, required = unwrap(member)
        wire = info.alias if info is not None and info.alias else name
        out[name] = (wire, member, required if required is not None else name in required_keys)
    return out


def _types(*names):
    return sorted(set(names), key=TYPE_ORDER.index)


def schema(hint, depth=0):
    """The compact Schema of a type hint, in generate-catalog's final form."""
    s = _schema(hint, depth)
    return _finish(s)


def _schema(hint, depth):
    if depth > MAX_DEPTH:
        return {"type": ["any"]}
    hint, info, _ = unwrap(hint)
    fmt = info.format if info is not None else None
    if is_file(hint):
        return {"type": ["string"], "format": "binary"}
    if hint is typing.Any or hint is object:
        return {"type": ["any"]}
    if hint is type(None):
        return {"type": [], "nullable": True}
    if hint is str:
        return {"type": ["string"]}
    if hint is bool:
        return {"type": ["boolean"]}
    if hint is int:
        return {"type": ["integer"]}
    if hint is float:
        return {"type": ["number"]}
    if hint is datetime.datetime:
        return {"type": ["string"], "format": "date-time"}
    if hint is datetime.date:
        return {"type": ["string"], "format": "date" if fmt != "iso8601" else "date"}
    origin = _origin(hint)
    if origin in (typing.Literal, typing_extensions.Literal):
        values = list(_args(hint))
        kinds = {"boolean" if isinstance(v, bool) else "integer" if isinstance(v, int)
                 else "number" if isinstance(v, float) else "string" for v in values if v is not None}
        out = {"type": _types(*kinds), "enum": [v for v in values if v is not None]}
        if None in values:
            out["nullable"] = True
        return out
    if origin is typing.Union or (hasattr(__import__("types"), "UnionType") and isinstance(hint, __import__("types").UnionType)):
        parts = [_schema(a, depth) for a in _args(hint) if not _is_omit(a)]
        out = {"type": [], "nullable": any(p.get("nullable") for p in parts)}
        if not out["nullable"]:
            del out["nullable"]
        for p in parts:
            if "any" in p["type"]:
                return {"type": ["any"], **({"nullable": True} if out.get("nullable") else {})}
            out["type"] = _types(*(out["type"] + p["type"]))
            if "enum" in p:
                out.setdefault("enum", [])
                out["enum"] += [v for v in p["enum"] if v not in out["enum"]]
            if "format" in p and "format" not in out:
                out["format"] = p["format"]
            if "properties" in p:
                props = out.setdefault("properties", {})
                for k, v in p["properties"].items():
                    props.setdefault(k, v)
            if p.get("additional"):
                out["additional"] = True
            if "items" in p and "items" not in out:
                out["items"] = p["items"]
        # An enum only holds when every string variant is an enum.
        if "enum" in out and any("enum" not in p and set(p["type"]) & {"string", "integer"} for p in parts):
            del out["enum"]
        return out
    if is_typeddict(hint):
        if depth + 1 > MAX_DEPTH:
            return {"type": ["any"]}
        props, required = {}, []
        for name, (wire, member, req) in members(hint).items():
            props[wire] = _schema(member, depth + 1)
            if req:
                required.append(wire)
        out = {"type": ["object"], "properties": props}
        if required:
            out["required"] = required
        return out
    if origin in (list, typing.List, tuple, set, frozenset) or (origin is not None and origin.__name__ in (
            "Iterable", "Sequence", "SequenceNotStr", "List")) or getattr(hint, "__name__", "") == "SequenceNotStr":
        args = _args(hint)
        return {"type": ["array"], "items": _schema(args[0], depth + 1) if args else {"type": ["any"]}}
    if origin in (dict, typing.Dict) or (origin is not None and getattr(origin, "__name__", "") in ("Mapping", "Dict")):
        return {"type": ["object"], "additional": True}
    if hint in (dict, list):
        return {"type": ["object"] if hint is dict else ["array"], "additional": True} if hint is dict \
            else {"type": ["array"], "items": {"type": ["any"]}}
    return {"type": ["any"]}


def _finish(c):
    types = _types(*c["type"]) or ["any"]
    if "any" in types:
        types = ["any"]
    out = {"type": types[0] if len(types) == 1 else types}
    if c.get("enum") and "any" not in types:
        out["enum"] = c["enum"]
    if c.get("format"):
        out["format"] = c["format"]
    if c.get("nullable"):
        out["nullable"] = True
    if "object" in types:
        props = c.get("properties", {})
        if props:
            out["properties"] = {k: _finish(v) for k, v in sorted(props.items())}
        if c.get("required"):
            out["required"] = sorted(set(c["required"]))
        if c.get("additional") or not props:
            out["additional"] = True
    if "array" in types:
        out["items"] = _finish(c.get("items", {"type": ["any"]}))
    return out


def sample(hint, name="x", depth=0):
    """A value of the type with every member given: strings are the member's name."""
    hint, info, _ = unwrap(hint)
    origin = _origin(hint)
    if is_file(hint):
        return UPLOAD
    if origin is typing.Union or (hasattr(__import__("types"), "UnionType") and isinstance(hint, __import__("types").UnionType)):
        options = [a for a in _args(hint) if a is not type(None) and not _is_omit(a)]
        # The richest variant: an object over a scalar, so nested members are exercised too.
        options.sort(key=lambda a: 0 if is_typeddict(unwrap(a)[0]) else 2 if is_file(a) else 1)
        return sample(options[0], name, depth)
    if origin in (typing.Literal, typing_extensions.Literal):
        return [v for v in _args(hint) if v is not None][0]
    if hint is str:
        return "v-" + name
    if hint is bool:
        return True
    if hint is int:
        return 2
    if hint is float:
        return 1.5
    if hint is datetime.datetime:
        return datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    if hint is datetime.date:
        return datetime.date(2026, 1, 2)
    if hint is typing.Any or hint is object:
        return "v-" + name
    if is_typeddict(hint):
        if depth > MAX_DEPTH:
            return {}
        return {py: sample(member, py, depth + 1) for py, (_, member, _) in members(hint).items()}
    args = _args(hint)
    if origin is not None and (origin in (list, tuple, set) or getattr(origin, "__name__", "") in
                               ("Iterable", "Sequence", "SequenceNotStr", "List")):
        return [sample(args[0], name, depth + 1)] if args else ["v-" + name]
    if origin in (dict,) or getattr(origin, "__name__", "") in ("Mapping", "Dict") or hint is dict:
        return {"k": "v-" + name}
    return "v-" + name


def sdk_method(client, resource, method):
    target = client
    for part in resource.split("."):
        target = getattr(target, part)
    return getattr(target, method)


def parameters(bound):
    """The SDK method's parameters: [(name, hint, required, positional?)] without the framework's."""
    func = bound.__func__ if hasattr(bound, "__func__") else bound
    hints = typing_extensions.get_type_hints(func, include_extras=True)
    out = []
    for name, p in inspect.signature(bound).parameters.items():
        if name in FRAMEWORK_KWARGS or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        out.append((name, hints.get(name, typing.Any), p.default is inspect.Parameter.empty,
                    p.kind == p.POSITIONAL_OR_KEYWORD or p.kind == p.POSITIONAL_ONLY))
    return out


class Captured(Exception):
    """Raised by the mock transport once the request is recorded: the call goes no further."""


def capture(call):
    """The httpx.Request an SDK call sends. `call(client)` makes the call."""
    seen = []

    def handler(request):
        request.read()
        seen.append(request)
        raise Captured()

    client = telnyx.Telnyx(api_key="KEY_SDK", base_url="http://sdk.test/v2", max_retries=0,
                           http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    try:
        call(client)
    except Exception:  # the transport's Captured, wrapped by the SDK as a connection error
        pass
    return seen[0] if seen else None
