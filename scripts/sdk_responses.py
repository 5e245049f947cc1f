"""The Python SDK's response models as the catalog's response schemas (docs/catalog-format.md:
the FullSchema subset), for scripts/sdk_extract.py.

pydantic describes each model (`TypeAdapter(model).json_schema()`); the description is cut down to
the keywords the sandbox reads. Its `$defs` become shared components named `sdk.Name`, or
`sdk.Name.<hash>` when two different models share a class name, so the same model is stored once.
"""
import hashlib
import json

import pydantic
import typing_extensions

KEPT = ("type", "enum", "const", "format", "required", "minimum", "maximum", "minLength", "maxLength",
        "minItems", "maxItems", "pattern")
NESTED_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


def answer_type(bound):
    """The model a method's JSON answer must validate against (a page model for lists), or None
    when it returns no JSON model (None, bytes, str, object, a binary response)."""
    func = bound.__func__ if hasattr(bound, "__func__") else bound
    hint = typing_extensions.get_type_hints(func).get("return")
    if hint is None or hint is type(None) or hint in (object, str, bytes, dict, list):
        return None
    if getattr(hint, "__name__", "").endswith("APIResponse"):
        return None
    return hint


class Components:
    """The shared components of all methods' schemas."""

    def __init__(self):
        self.schemas = {}

    def add(self, hint):
        """The FullSchema of the answer type; its definitions join the components."""
        raw = pydantic.TypeAdapter(hint).json_schema()
        names = {}
        definitions = raw.pop("$defs", {})
        # Definitions refer to each other: converted first under provisional names, then named
        # `sdk.Name`, or `sdk.Name.<hash>` when another model already has that class name.
        provisional = {name: "sdk." + name for name in definitions}
        converted = {name: self._convert(d, provisional) for name, d in definitions.items()}
        for name, schema in sorted(converted.items()):
            text = json.dumps(schema, sort_keys=True)
            final = "sdk." + name
            if final in self.schemas and json.dumps(self.schemas[final], sort_keys=True) != text:
                final += "." + hashlib.sha256(text.encode()).hexdigest()[:8]
            names[name] = final
        # Second pass with the final names, now that clashes are known.
        for name, definition in sorted(definitions.items()):
            self.schemas[names[name]] = self._convert(definition, names)
        out = self._convert(raw, names)
        if "TopLevelArray" in getattr(hint, "__name__", "") and "items" in out.get("properties", {}):
            # The page is built from a bare array (the page class's `build`): that is the answer.
            return out["properties"]["items"]
        return out

    def _convert(self, node, names):
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            return {}
        if "$ref" in node:
            return {"$ref": names[node["$ref"].rsplit("/", 1)[-1]]}
        out = {k: node[k] for k in KEPT if k in node}
        if isinstance(node.get("properties"), dict):
            out["properties"] = {k: self._convert(v, names) for k, v in node["properties"].items()}
        for key in NESTED_LISTS:
            if isinstance(node.get(key), list):
                parts = [self._convert(v, names) for v in node[key]]
                out["anyOf" if key == "oneOf" and "discriminator" not in node else
                    ("items" if key == "prefixItems" else key)] = parts[0] if key == "prefixItems" else parts
        if "items" in node:
            out["items"] = self._convert(node["items"], names)
        if "additionalProperties" in node:
            extra = node["additionalProperties"]
            out["additionalProperties"] = extra if isinstance(extra, bool) else self._convert(extra, names)
        variants = out.get("anyOf")
        if isinstance(variants, list) and {"type": "null"} in variants:
            # Optional[X]: X, nullable, as the spec writes it.
            rest = [v for v in variants if v != {"type": "null"}]
            del out["anyOf"]
            if len(rest) == 1:
                out.update({k: v for k, v in rest[0].items() if k not in out})
                if "$ref" in out:  # a reference may not carry siblings: keep it a variant
                    out = {"anyOf": [{"$ref": out.pop("$ref")}], **out}
            elif rest:
                out["anyOf"] = rest
            out["nullable"] = True
        return out
