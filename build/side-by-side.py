#!/usr/bin/env python3
"""build/side-by-side.py: runs several commands that print the same Markdown table (first column: row names) and prints one
table with a column of values from each, for figures that compare two ways of running the same thing in one run (e.g.
`rl bench train` of the ReadyToRun runner against the plain build). The commands run one after the other, in order.

Usage: python3 build/side-by-side.py [--column N] LABEL=COMMAND LABEL=COMMAND...
  --column N   the column of each table to take (default 2, the first value column)
Rows are matched by position; where the commands' row names differ only in a parenthesis (e.g. a count), the row keeps the
common name and each cell gets its own parenthesis. Each command's lines outside the table follow the table, labelled.
"""
import argparse
import re
import subprocess
import sys

import labelled_commands  # build/labelled_commands.py, beside this script


def first_table(text):
    """(header cells, [row cells], other lines) of the first Markdown table in TEXT."""
    rows, other, state = [], [], "before"
    for line in text.splitlines():
        if state != "after" and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
            state = "in"
            continue
        if state == "in":
            state = "after"
        if line.strip():
            other.append(line)
    if len(rows) < 2:
        raise ValueError("no Markdown table in the output")
    return rows[0], rows[1:], other


def split_name(name):
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)(.*)", name)
    return (m.group(1) + m.group(3), m.group(2)) if m else (name, None)


def main(argv):
    p = argparse.ArgumentParser(prog="build/side-by-side.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--column", type=int, default=2)
    p.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    args = p.parse_args(argv)
    tables = []
    for label, command in labelled_commands.parse(p, args.commands):
        print(f"side-by-side: {label}: {command}", file=sys.stderr, flush=True)
        done = subprocess.run(["bash", "-c", command], stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(f"side-by-side: {label}: exit code {done.returncode}", file=sys.stderr)
            return 1
        try:
            tables.append((label, *first_table(done.stdout)))
        except ValueError as e:
            print(f"side-by-side: {label}: {e}", file=sys.stderr)
            return 1
    counts = {len(t[2]) for t in tables}
    if len(counts) != 1:
        print(f"side-by-side: the tables have different numbers of rows ({', '.join(str(len(t[2])) for t in tables)})", file=sys.stderr)
        return 1
    k = args.column - 1
    header = tables[0][1]
    print("| " + " | ".join([header[0]] + [f"{label}: {t_header[k]}" for label, t_header, _, _ in tables]) + " |")
    print("|---|" + "---:|" * len(tables))
    for i in range(counts.pop()):
        names = [t[2][i][0] for t in tables]
        if len(set(names)) == 1:
            print("| " + " | ".join([names[0]] + [t[2][i][k] for t in tables]) + " |")
            continue
        parts = [split_name(n) for n in names]
        if len({base for base, _ in parts}) != 1:
            print(f"side-by-side: row {i + 1} differs: {' / '.join(names)}", file=sys.stderr)
            return 1
        print("| " + " | ".join([parts[0][0]] + [f"{t[2][i][k]} ({extra})" if extra else t[2][i][k]
                                                  for t, (_, extra) in zip(tables, parts)]) + " |")
    print()
    for label, _, _, other in tables:
        for line in other:
            print(f"{label}: {line}  ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
