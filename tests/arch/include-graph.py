#!/usr/bin/env python3
"""The folder graph of libkseries' includes, and a check of it against rules.

Scans `#include <kseries/DIR/...>` lines of tools/kseries/**/*.{hpp,cpp}
(folder DIR) and tools/cli/*.{hpp,cpp} (folder `cli`). Without options it prints
every folder-to-folder arrow with the number of include lines behind it, and
the cycles among folders. With `--check RULES` it exits 1, listing the
include lines (file:line) behind each cycle and each arrow the rules do not
allow, and the folders without a rule and the allowed arrows no include uses
any more (so that a removed arrow cannot come back unnoticed); a rules file that names an unknown folder, or a folder twice, is
refused with exit 2. Run from the source directory, or pass --root.
"""

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*<kseries/([A-Za-z0-9_]+)/[^>]+>')


def sources(root):
    """(folder, path) for every file whose includes count."""
    lib = root / 'tools' / 'kseries'
    for path in sorted(lib.rglob('*')):
        if path.suffix in ('.hpp', '.cpp') and path.is_file():
            rel = path.relative_to(lib)
            if len(rel.parts) > 1:
                yield rel.parts[0], path
    for path in sorted((root / 'tools' / 'cli').glob('*')):
        if path.suffix in ('.hpp', '.cpp') and path.is_file():
            yield 'cli', path


def scan(root):
    """folders, and {(from, to): [(file, line, text)]} for arrows between folders."""
    folders = set()
    edges = defaultdict(list)
    for folder, path in sources(root):
        folders.add(folder)
        text = path.read_text(encoding='utf-8', errors='replace')
        for number, line in enumerate(text.splitlines(), 1):
            match = INCLUDE.match(line)
            if match and match.group(1) != folder:
                rel = path.relative_to(root)
                edges[(folder, match.group(1))].append((str(rel), number, line.strip()))
    return folders, edges


def strongly_connected(folders, arrows):
    """Tarjan's components of more than one folder: each holds a cycle."""
    succ = defaultdict(set)
    for a, b in arrows:
        succ[a].add(b)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(folders | {a for a, _ in arrows} | {b for _, b in arrows}):
        if v not in index:
            visit(v)
    return sorted(found)


def one_cycle(component, arrows):
    """A shortest cycle through the first folder of a component, for people."""
    inside = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for a, b in sorted(arrows):
            if a != v or b not in inside:
                continue
            if b == start:
                return paths[v] + [start]
            if b not in paths:
                paths[b] = paths[v] + [b]
                queue.append(b)
    return component


def read_rules(path, folders):
    """{folder: set of folders it may include}; exits 2 on a malformed file."""
    rules = {}
    for number, raw in enumerate(Path(path).read_text(encoding='utf-8').splitlines(), 1):
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        head, sep, tail = line.partition(':')
        names = tail.split()
        problem = None
        if not sep or not head.strip() or ' ' in head.strip():
            problem = 'expected "folder: allowed folders..."'
        elif head.strip() in rules:
            problem = f'folder {head.strip()} named twice'
        else:
            unknown = [n for n in [head.strip()] + names if n not in folders]
            if unknown:
                problem = f'unknown folder {unknown[0]}'
        if problem:
            print(f'{path}:{number}: {problem}', file=sys.stderr)
            sys.exit(2)
        rules[head.strip()] = set(names)
    return rules


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', default='.', help='source directory (default: .)')
    parser.add_argument('--check', metavar='RULES', help='fail on cycles and arrows RULES does not allow')
    args = parser.parse_args()

    root = Path(args.root)
    if not (root / 'tools' / 'kseries').is_dir():
        print(f'{root}: no tools/kseries here (run from the source directory or pass --root)',
              file=sys.stderr)
        return 2
    folders, edges = scan(root)
    cycles = strongly_connected(folders, edges)

    if not args.check:
        for (a, b), lines in sorted(edges.items()):
            print(f'{a} -> {b} ({len(lines)})')
        print(f'cycles: {len(cycles)}')
        for component in cycles:
            print('  ' + ' -> '.join(one_cycle(component, edges)))
        return 0

    rules = read_rules(args.check, folders)
    failures = 0
    for component in cycles:
        failures += 1
        cycle = one_cycle(component, edges)
        print(f'cycle among {", ".join(component)}: ' + ' -> '.join(cycle))
        # The include lines of the one cycle shown: breaking any of its
        # arrows is a start; the script then shows the next cycle, if any.
        for a, b in zip(cycle, cycle[1:]):
            for file, number, text in edges[(a, b)]:
                print(f'  {file}:{number}: {text}  [{a} -> {b}]')
    for (a, b), lines in sorted(edges.items()):
        if b in rules.get(a, set()):
            continue
        failures += 1
        why = f'{a}/ may not include {b}/' if a in rules else f'{a}/ has no line in {args.check}'
        print(f'{why}:')
        for file, number, text in lines:
            print(f'  {file}:{number}: {text}')
    for folder in sorted(folders - rules.keys()):
        failures += 1
        print(f'{folder}/ has no line in {args.check}')
    for a in sorted(rules):
        for b in sorted(rules[a]):
            if (a, b) not in edges:
                failures += 1
                print(f'{a}/ may include {b}/ but no include line does: delete {b} from the line of {a} in {args.check}')
    if failures:
        print(f'{failures} problem(s); the allowed arrows are in {args.check}', file=sys.stderr)
        return 1
    print(f'{len(edges)} arrows among {len(folders)} folders, no cycle, all allowed by {args.check}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
