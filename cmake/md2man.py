#!/usr/bin/env python3
"""kseries' man pages and shell completions, from the Markdown docs.

One source: README.md's summary and docs/commands/<cmd>.md. The build runs
this (cmake/Docs.cmake), so the pages and completions cannot drift from the
docs. Python 3 standard library only.

  md2man.py man --readme README.md --docs docs/commands --version V --out DIR
      writes DIR/kseries.1 and DIR/kseries-<cmd>.1
  md2man.py bash|zsh --docs docs/commands --out FILE
      writes the bash or zsh completion

The Markdown handled is the docs' own: headings, paragraphs, fenced code
blocks, pipe tables, '-' and '1.' lists with indented continuation lines,
and inline `code`, **bold**, *emphasis* and [links](url).
"""
import argparse
import pathlib
import re
import sys

# An option as the docs write it: -p, --series, --max-expanded-size.
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


# --- reading the docs ---------------------------------------------------------


def blocks(text):
    """The Markdown as a list of (kind, payload): ('h', (level, text)),
    ('p', text), ('code', [lines]), ('table', [rows of cells]),
    ('list', (ordered, [items]))."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append(("code", lines[i + 1 : j]))
            i = j + 1
        elif re.match(r"#{1,6} ", line):
            level = len(line) - len(line.lstrip("#"))
            out.append(("h", (level, line[level:].strip())))
            i += 1
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+\s*", lines[i]):
                    rows.append(split_row(lines[i]))
                i += 1
            out.append(("table", rows))
        elif re.match(r"(- |\d+\. )", line):
            ordered = not line.startswith("- ")
            items = []
            while i < len(lines) and lines[i].strip():
                m = re.match(r"(- |\d+\. )(.*)", lines[i])
                if m and (m.group(1) == "- ") != ordered:
                    items.append(m.group(2))
                elif lines[i].startswith(" ") and items:
                    items[-1] += " " + lines[i].strip()
                else:
                    break
                i += 1
            out.append(("list", (ordered, items)))
        else:
            para = []
            while i < len(lines) and lines[i].strip() and not starts_block(lines[i]):
                para.append(lines[i].strip())
                i += 1
            out.append(("p", " ".join(para)))
    return out


def starts_block(line):
    return bool(re.match(r"(```|#{1,6} |\||- |\d+\. )", line))


def split_row(line):
    """The cells of '| a | `b|c` |': a '|' inside a code span is text."""
    cells, cell, in_code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    cells.append(cell.strip())
    return cells


def commands(docs):
    """{command: Markdown text}, one per docs/commands/<command>.md."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(docs).glob("*.md"))}


def summary(text):
    """The doc's first paragraph, its first sentence."""
    para = next(p for kind, p in blocks(text) if kind == "p")
    first = re.split(r"(?<=[a-z)])\.\s", para)[0].rstrip(".")
    first = plain(first)
    return first[:1].lower() + first[1:]


def plain(text):
    """Inline Markdown as plain text: links keep their text, marks go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text.replace("`", "").replace("**", "")


def option_table(text):
    """The options of the doc's option tables (first column), in order. (Not
    those a row's text names: it names other programs' options too.)"""
    found = []
    for kind, rows in blocks(text):
        if kind == "table" and rows and rows[0][0].lower() == "option":
            for row in rows[1:]:
                found += [o for o in OPTION.findall(row[0]) if o not in found]
    return found


def options(cmd, text):
    """Every option of a command: its option tables and its synopsis lines
    (`kseries CMD ...` in a code block, with their indented continuations)."""
    found = option_table(text)
    for kind, lines in blocks(text):
        if kind != "code":
            continue
        inside = False
        for line in lines:
            if line.startswith(f"kseries {cmd} ") or line == f"kseries {cmd}":
                inside = True
            elif not line.startswith(" "):
                inside = False
            if inside:
                words = line.split("#")[0]
                found += [o for o in OPTION.findall(words) if o not in found]
    return found


def global_options(docs):
    """The global options, from the docs' "Global options ..." paragraph."""
    for text in docs.values():
        for kind, para in blocks(text):
            if kind == "p" and para.startswith("Global options"):
                return ["-h", "--help"] + OPTION.findall(para.split(":", 1)[1])
    sys.exit("md2man.py: no 'Global options' paragraph in the command docs")


# --- roff ---------------------------------------------------------------------


def esc(text, code=False):
    """Text for roff: backslashes, non-ASCII as \\[uXXXX], '-' as a minus in code."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\e")
        elif ch == "-" and code:
            out.append("\\-")
        elif ord(ch) > 127:
            out.append(f"\\[u{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


def inline(text):
    """A line of Markdown as roff: code and bold in bold, emphasis in italics."""
    out = []
    for n, part in enumerate(re.split(r"(`[^`]*`)", text)):
        if n % 2:
            out.append("\\fB" + esc(part[1:-1], code=True) + "\\fR")
            continue
        part = re.sub(r"\[([^\]]*)\]\((https?://[^)]*)\)", r"\1 <\2>", part)
        part = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", part)
        part = esc(part)
        part = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", part)
        part = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\\fI\1\\fR", part)
        out.append(part)
    return line_safe("".join(out))


def line_safe(line):
    """A text line that starts with '.' or "'" would be read as a request."""
    return "\\&" + line if line[:1] in (".", "'") else line


def code_block(lines):
    return [".PP", ".RS 2", ".EX"] + [line_safe(esc(l, code=True)) for l in lines] + [".EE", ".RE"]


def roff(md_blocks):
    out = []
    for kind, payload in md_blocks:
        if kind == "h":
            level, title = payload
            out += [(".SH " if level <= 2 else ".SS ") + inline(plain(title).upper() if level <= 2 else plain(title))]
        elif kind == "p":
            out += [".PP", inline(payload)]
        elif kind == "code":
            out += code_block(payload)
        elif kind == "list":
            ordered, items = payload
            for n, item in enumerate(items, 1):
                out += [f'.IP "{n}." 4' if ordered else ".IP \\(bu 2", inline(item)]
        elif kind == "table":
            head, rows = payload[0], payload[1:]
            for row in rows:
                body = row[1] if len(row) == 2 else "; ".join(
                    f"{h}: {c}" for h, c in zip(head[1:], row[1:]) if c)
                out += [".TP", inline(row[0]), inline(body)]
    return out


def th(name, version):
    # HY 0: no hyphenation (the man macros reset .nh at every paragraph),
    # which would split options and paths (--max-ex-panded-size).
    return [".nr HY 0", f'.TH {name.upper()} 1 "" "kseries {version}" "kseries manual"']


def command_page(cmd, text, version):
    md = blocks(text)
    # The first heading is the title, the first code block the synopsis.
    md = md[1:] if md and md[0][0] == "h" else md
    synopsis = next((i for i, (kind, _) in enumerate(md) if kind == "code"), None)
    out = th(f"kseries-{cmd}", version)
    out += [".SH NAME", f"kseries-{cmd} \\- " + esc(summary(text))]
    if synopsis is not None:
        out += [".SH SYNOPSIS"] + code_block(md[synopsis][1])[1:]
        md = md[:synopsis] + md[synopsis + 1 :]
    out += [".SH DESCRIPTION"] + roff(md)
    out += [".SH SEE ALSO", "\\fBkseries\\fR(1)"]
    return "\n".join(out) + "\n"


def main_page(readme, docs, version):
    md = blocks(readme)
    intro = []
    for kind, payload in md[1:]:
        if kind == "h":
            break
        intro.append((kind, payload))
    use = section(md, "Use")
    out = th("kseries", version)
    out += [".SH NAME", "kseries \\- " + esc(plain(intro[0][1]).split(". ")[0].removeprefix("kseries "))]
    out += [".SH SYNOPSIS", ".B kseries", "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]"]
    out += [".SH DESCRIPTION"] + roff(intro)
    out += [".SH COMMANDS"]
    for cmd, text in docs.items():
        out += [".TP", f"\\fB{cmd}\\fR", esc(summary(text)) + f"; see \\fBkseries\\-{cmd}\\fR(1)."]
    for text in docs.values():
        globals_para = [b for b in blocks(text) if b[0] == "p" and b[1].startswith("Global options")]
        if globals_para:
            out += [".SH GLOBAL OPTIONS"] + roff(globals_para)
            break
    out += [".SH EXAMPLES"] + roff(use)
    out += [".SH SEE ALSO", ", ".join(f"\\fBkseries\\-{c}\\fR(1)" for c in docs)]
    return "\n".join(out) + "\n"


def section(md, title):
    """The blocks under the '## title' heading, up to the next heading."""
    start = next(i for i, (kind, p) in enumerate(md) if kind == "h" and p[1] == title)
    end = next((i for i in range(start + 1, len(md)) if md[i][0] == "h"), len(md))
    return md[start + 1 : end]


# --- completions --------------------------------------------------------------


def bash(docs):
    cmds = " ".join(docs)
    cases = "\n".join(f'    {cmd}) opts="{" ".join(options(cmd, text))}" ;;' for cmd, text in docs.items())
    return f"""# bash completion for kseries, generated from docs/commands/*.md by cmake/md2man.py
_kseries() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} cmd= opts= i
  local commands="{cmds}"
  local globals="{" ".join(global_options(docs))}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " $commands " in *" ${{COMP_WORDS[i]}} "*) cmd=${{COMP_WORDS[i]}}; break ;; esac
  done
  case $cmd in
{cases}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  else
    COMPREPLY=()  # an argument: complete -o default offers file names
  fi
}}
complete -o bashdefault -o default -F _kseries kseries
"""


def zsh(docs):
    def quote(s):
        return "'" + s.replace("'", "'\\''") + "'"

    described = "\n".join("    " + quote(f"{cmd}:{summary(text).replace(':', chr(92) + ':')}")
                          for cmd, text in docs.items())
    cases = "\n".join(f"    {cmd}) opts=({' '.join(options(cmd, text))}) ;;" for cmd, text in docs.items())
    return f"""#compdef kseries
# zsh completion for kseries, generated from docs/commands/*.md by cmake/md2man.py
_kseries() {{
  local -a commands names opts globals
  local cmd i
  names=({" ".join(docs)})
  commands=(
{described}
  )
  globals=({" ".join(global_options(docs))})
  for ((i = 2; i < CURRENT; i++)); do
    if (( ${{names[(Ie)${{words[i]}}]}} )); then
      cmd=${{words[i]}}
      break
    fi
  done
  case $cmd in
{cases}
  esac
  if [[ $PREFIX == -* ]]; then
    compadd -- $opts $globals
  elif [[ -z $cmd ]]; then
    _describe 'kseries command' commands
  else
    _files
  fi
}}
_kseries "$@"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["man", "bash", "zsh"])
    ap.add_argument("--readme")
    ap.add_argument("--docs", required=True)
    ap.add_argument("--version", default="")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    docs = commands(args.docs)
    if not docs:
        sys.exit(f"md2man.py: no command docs in {args.docs}")
    out = pathlib.Path(args.out)
    if args.what == "man":
        out.mkdir(parents=True, exist_ok=True)
        readme = pathlib.Path(args.readme).read_text(encoding="utf-8")
        (out / "kseries.1").write_text(main_page(readme, docs, args.version), encoding="ascii")
        for cmd, text in docs.items():
            (out / f"kseries-{cmd}.1").write_text(command_page(cmd, text, args.version), encoding="ascii")
    else:
        out.write_text((bash if args.what == "bash" else zsh)(docs), encoding="utf-8")


if __name__ == "__main__":
    main()
