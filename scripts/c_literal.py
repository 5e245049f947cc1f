"""Shared helper for the generators: bytes as a C string literal, one source line per C line."""


def c_string_literal(data: bytes, indent: str = "    ") -> str:
    """Returns `data` as adjacent C string literals; every byte survives, NUL included."""
    if not data:
        return indent + '""'
    out = []
    line = []
    for b in data:
        ch = chr(b)
        if ch == '"':
            line.append('\\"')
        elif ch == '\\':
            line.append('\\\\')
        elif ch == '?':
            line.append('\\?')  # no trigraphs, whatever the compiler's mode
        elif ch == '\n':
            line.append('\\n')
            out.append(indent + '"' + ''.join(line) + '"')
            line = []
            continue
        elif 32 <= b < 127:
            line.append(ch)
        else:
            line.append('\\%03o' % b)  # octal: never swallows a following hex digit
        if len(line) >= 200:
            out.append(indent + '"' + ''.join(line) + '"')
            line = []
    if line:
        out.append(indent + '"' + ''.join(line) + '"')
    return '\n'.join(out)
