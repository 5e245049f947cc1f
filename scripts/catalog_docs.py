"""One-line descriptions of every method's parameters, for `help` (scripts/generate-catalog).

Kept apart from the catalog proper: the catalog is parsed at the first API call, these only when
someone asks for help, so they cost a script nothing.

Output: JSON Lines, one line per method that has any described parameter:
    {"method": "phone_numbers.list", "parameters": {"filter.tag": "Filter by ...", ...}}
Names are dotted as the REPL shows them: a query `filter[tag]` is `filter.tag`, a body member
`voice.connection_id`; two levels at most.
"""
import re

MAX_LEVELS = 2
LIMIT = 120


def one_line(text, limit=LIMIT):
    text = " ".join((text or "").strip().split("\n")[0].split())
    # The first sentence is the description; the rest is detail help has no room for.
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    if sentence and len(sentence.group(1)) >= 12:
        text = sentence.group(1)
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "\u2026"
    return text


def description(spec, node):
    """The description of a parameter or schema, looking through references and allOf."""
    if not isinstance(node, dict):
        return None
    if node.get("description"):
        return node["description"]
    resolved = spec.resolve(node)
    if isinstance(resolved, dict):
        if resolved.get("description"):
            return resolved["description"]
        for part in resolved.get("allOf", []):
            found = description(spec, part)
            if found:
                return found
    return None


def properties(spec, node, depth=0):
    """The properties of an object schema, merged across allOf (first one wins)."""
    s = spec.resolve(node) if isinstance(node, dict) else {}
    if not isinstance(s, dict) or depth > 8:
        return {}
    out = dict(s.get("properties") or {})
    for part in s.get("allOf", []):
        for name, value in properties(spec, part, depth + 1).items():
            out.setdefault(name, value)
    return out


def body_docs(spec, schema, prefix, level, out):
    for name, prop in properties(spec, schema).items():
        dotted = prefix + name
        text = description(spec, prop)
        if text and dotted not in out:
            out[dotted] = one_line(text)
        if level < MAX_LEVELS:
            body_docs(spec, prop, dotted + ".", level + 1, out)


def parameter_docs(spec, route_names, spec_path_names, op, params):
    """{dotted name: one line} for one operation; `route_names` are the SDK's path names."""
    out = {}
    path_by_name = {p["name"]: p for p in params if p.get("in") == "path"}
    for index, name in enumerate(route_names):
        p = path_by_name.get(name)
        if p is None and len(spec_path_names) == len(route_names):
            p = path_by_name.get(spec_path_names[index])
        text = description(spec, p) or (p and description(spec, p.get("schema")))
        if text:
            out[name] = one_line(text)
    for p in params:
        if p.get("in") != "query":
            continue
        name = p["name"]
        keys = [name[:name.index("[")]] + re.findall(r"\[([^\[\]]*)\]", name) if "[" in name else [name]
        text = description(spec, p) or description(spec, p.get("schema"))
        if text and len(keys) <= MAX_LEVELS + 1:
            out[".".join(keys)] = one_line(text)
        if len(keys) <= MAX_LEVELS:
            # An object parameter (filter, page): its members, as `filter.tag`.
            body_docs(spec, p.get("schema", {}), ".".join(keys) + ".", len(keys) + 1, out)
    content = (spec.resolve(op.get("requestBody", {})) or {}).get("content", {})
    for media in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
        if media in content:
            body_docs(spec, content[media].get("schema", {}), "", 1, out)
            break
    return out
