#!/usr/bin/env python3
"""Writes the man page and the bash, zsh and fish completions of telnyx-lua from the text of
`telnyx-lua --help` and `telnyx-lua serve --help`, so the three never disagree with the program.

    shell_files.py BINARY SHARE_DIR

SHARE_DIR receives man/man1/telnyx-lua.1, bash-completion/completions/telnyx-lua,
zsh/site-functions/_telnyx-lua and fish/vendor_completions.d/telnyx-lua.fish.
Standard library only; called by scripts/install.
"""
import os
import re
import subprocess
import sys

# An option line of --help: two spaces, the option and its argument, then two or more spaces and
# the text, or nothing (a long option's text then starts on the next line).
OPTION = re.compile(r"^  (-[-\w]*(?:[ =][a-zA-Z][\w=]*)?)(?:\s{2,}(\S.*))?\s*$")
CONTINUATION = re.compile(r"^\s{8,}(\S.*)$")
# Arguments that name files: completed with file names rather than left to the user.
FILE_ARGUMENTS = {"FILE"}


def parse(text):
    """The help text as (usage lines, paragraphs, sections); a section is (title, [option])
    and an option is {flag, argument, text}."""
    lines = text.rstrip("\n").split("\n")
    usage, paragraphs, sections = [], [], []
    current = None
    for line in lines:
        if line.startswith("usage:") or (usage and not paragraphs and not sections and line.startswith("       ")):
            usage.append(line.replace("usage:", "", 1).strip())
            continue
        if current is not None:
            match = OPTION.match(line)
            if match:
                spec, description = match.groups()
                flag, _, argument = spec.partition(" ")
                current[1].append({"flag": flag, "argument": argument, "text": (description or "").strip()})
                continue
            match = CONTINUATION.match(line)
            if match and current[1]:
                current[1][-1]["text"] = (current[1][-1]["text"] + " " + match.group(1).strip()).strip()
                continue
        if line.endswith(":") and not line.startswith(" "):
            current = (line[:-1], [])
            sections.append(current)
            continue
        current = None
        if line.strip():
            if paragraphs and not paragraphs[-1].endswith("\n"):
                paragraphs[-1] += " " + line.strip()
            else:
                paragraphs.append(line.strip())
        elif paragraphs:
            paragraphs[-1] += "\n"
    return usage, [p.strip() for p in paragraphs], sections


def roff(text):
    """Text escaped for roff: backslashes, hyphens, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def man_page(version, main, serve):
    usage, paragraphs, sections = main
    serve_usage, serve_paragraphs, serve_sections = serve
    out = [
        f'.TH TELNYX\\-LUA 1 "" "{roff(version)}" "User Commands"',
        ".SH NAME",
        "telnyx\\-lua \\- the Telnyx API in Lua 5.4: scripts, a REPL, webhook and TeXML handlers",
        ".SH SYNOPSIS",
    ]
    for line in usage:
        out += [".nf", roff(line.split("  (")[0]), ".fi"]
    out.append(".SH DESCRIPTION")
    for paragraph in paragraphs[:1]:
        out += [".PP", roff(paragraph)]

    def options(title, entries):
        out.append(f".SS {roff(title)}")
        for entry in entries:
            head = f"\\fB{roff(entry['flag'])}\\fR"
            if entry["argument"]:
                head += f" \\fI{roff(entry['argument'])}\\fR"
            out.extend([".TP", head, roff(entry["text"])])

    out.append(".SH OPTIONS")
    for title, entries in sections:
        options(title, entries)
    out += [".SH SERVE", ".nf", roff(serve_usage[0]) if serve_usage else "telnyx-lua serve", ".fi"]
    for paragraph in serve_paragraphs[:1]:
        out += [".PP", roff(paragraph)]
    for title, entries in serve_sections:
        options(title, entries)
    for paragraph in serve_paragraphs[1:]:
        out += [".PP", roff(paragraph)]
    out.append(".SH NOTES")
    for paragraph in paragraphs[1:]:
        out += [".PP", roff(paragraph)]
    out += [".SH SEE ALSO", "\\fBlua\\fR(1); the guides in docs/ of the telnyx\\-lua source."]
    return "\n".join(out) + "\n"


def flags(sections):
    """Every option of the sections but `-` and `--`, as (flag, argument, one-line text)."""
    result, seen = [], {"-", "--"}
    for _, entries in sections:
        for entry in entries:
            if entry["flag"] in seen:  # `-l mod` and `-l g=mod` are one option
                continue
            seen.add(entry["flag"])
            short = re.split(r"(?<=[a-z)]);|\. |, enforced", entry["text"])[0]
            if len(short) > 70:
                short = short[:short.rfind(" ", 0, 69)] + "..."
            result.append((entry["flag"], entry["argument"], short))
    return result


def bash(main_flags, serve_flags):
    def words(fs):
        return " ".join(f for f, _, _ in fs)

    valued = sorted({f for f, a, _ in main_flags + serve_flags if a and a not in FILE_ARGUMENTS})
    files = sorted({f for f, a, _ in main_flags + serve_flags if a in FILE_ARGUMENTS})
    return f"""# bash completion for telnyx-lua (generated by scripts/install from --help)
_telnyx_lua() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
  COMPREPLY=()
  case "$prev" in
    {"|".join(valued) or "--"}) return ;;
    {"|".join(files) or "--"}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local i script=0 serve=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${{COMP_WORDS[i]}}" in
      serve) [ "$i" -eq 1 ] && serve=1 ;;
      -*) ;;
      *) case "${{COMP_WORDS[i-1]}}" in {"|".join(valued + files) or "--"}) ;; *) script=1 ;; esac ;;
    esac
  done
  # After the script come its own arguments: any file.
  if [ "$script" = 1 ]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
  if [[ "$cur" == -* ]]; then
    local opts="{words(main_flags)}"
    [ "$serve" = 1 ] && opts="$opts {words(serve_flags)}"
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  [ "$COMP_CWORD" -eq 1 ] && COMPREPLY=($(compgen -W serve -- "$cur"))
  COMPREPLY+=($(compgen -f -X '!*.lua' -- "$cur") $(compgen -d -- "$cur"))
}}
complete -o filenames -F _telnyx_lua telnyx-lua
"""


def zsh_quote(text):
    return text.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def zsh(main_flags, serve_flags):
    def specs(fs):
        lines = []
        for flag, argument, text in fs:
            action = ""
            if argument:
                action = f":{argument.lower()}:" + ("_files" if argument in FILE_ARGUMENTS else " ")
            lines.append(f"    '{flag}[{zsh_quote(text)}]{action}'")
        return " \\\n".join(lines)

    return f"""#compdef telnyx-lua
# zsh completion for telnyx-lua (generated by scripts/install from --help)
if [[ $words[2] == serve ]]; then
  shift words; (( CURRENT-- ))
  _arguments -S \\
{specs(main_flags + serve_flags)} \\
    '1:app:_files -g "*.lua"' '*:argument:_files'
else
  _arguments -S \\
{specs(main_flags)} \\
    '1:script or serve:{{_alternative "commands:command:(serve)" "files:script:_files -g \\"*.lua\\""}}' \\
    '*:argument:_files'
fi
"""


def fish(main_flags, serve_flags):
    def line(flag, argument, text, condition):
        option = f"-l {flag[2:]}" if flag.startswith("--") else f"-o {flag[1:]}" if len(flag) > 2 else f"-s {flag[1:]}"
        takes = (" -r -F" if argument in FILE_ARGUMENTS else " -x") if argument else ""
        quoted = text.replace("\\", "\\\\").replace("'", "\\'")
        return f"complete -c telnyx-lua -n '{condition}' {option}{takes} -d '{quoted}'"

    out = ["# fish completion for telnyx-lua (generated by scripts/install from --help)",
           "complete -c telnyx-lua -n '__fish_use_subcommand' -a serve -d 'serve webhooks and TeXML with a Lua app'"]
    for flag, argument, text in main_flags:
        out.append(line(flag, argument, text, "true"))
    for flag, argument, text in serve_flags:
        out.append(line(flag, argument, text, "__fish_seen_subcommand_from serve"))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary, share = sys.argv[1], sys.argv[2]

    def run(*args):
        return subprocess.run([binary, *args], check=True, stdout=subprocess.PIPE, text=True).stdout

    main_help = parse(run("--help"))
    serve_help = parse(run("serve", "--help"))
    version = run("--version").split(" with ")[0].strip()
    main_flags = flags(main_help[2])
    serve_flags = [f for f in flags(serve_help[2]) if f[0] not in {m[0] for m in main_flags}]
    files = {
        "man/man1/telnyx-lua.1": man_page(version, main_help, serve_help),
        "bash-completion/completions/telnyx-lua": bash(main_flags, serve_flags),
        "zsh/site-functions/_telnyx-lua": zsh(main_flags, serve_flags),
        "fish/vendor_completions.d/telnyx-lua.fish": fish(main_flags, serve_flags),
    }
    for path, text in files.items():
        target = os.path.join(share, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
