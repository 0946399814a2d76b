#!/usr/bin/env python3
"""build/figures.py (run it as build/figures.sh): regenerates every figure of README.md and docs/**/*.md in place.

A figure is a marked block whose content is what one command prints:

    <!-- figure: NAME command="./rl bench env --steps 4000000 --repeats 3" -->
    ... the command's standard output (Markdown tables as the bench commands print them) ...
    <!-- /figure -->

Optional attributes after the command: format="text" puts the output in a fenced block (for commands that print plain text);
budget="..." says what the command costs (shown by --list); order="last" runs the block after all the others (a summary
that reads the other blocks, such as README.md's results table from build/results-summary.py).

A table that no command can measure again (two builds of the runner against each other, a harness that is not shipped)
is marked as a record instead, and is never rewritten:

    <!-- record: NAME why="two builds of the runner, before and after a change" -->
    ... the table as it was measured ...
    <!-- /record -->

--list names records too, as "record, not regenerated" with the reason; --only NAME of a record is an error. For every block that runs, the content becomes the command's
standard output followed by one provenance line: the command, the UTC date, the wall time, the machine (logical cores, CPU
model) and the load average before and after. A command that fails leaves its block as it was and makes the exit status 1.
Commands run in the repository root through bash, one at a time, under `nice -n N` (--nice, default 10).

Usage: build/figures.sh [--list] [--only NAME[,NAME]]... [--root DIR] [--nice N] [--timeout SECONDS]
  --list          print every figure (name, file:line, command, [budget]) and every record, and run nothing
  --only NAME     run only these figures (repeatable, or comma-separated); an unknown name is an error
  --root DIR      the repository root to scan (default: this script's repository)
"""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile
import time

OPEN = re.compile(r'^<!-- figure: (?P<name>[A-Za-z0-9_.-]+) (?P<attrs>.*?)\s*-->\s*$')
CLOSE = re.compile(r'^<!-- /figure -->\s*$')
RECORD_OPEN = re.compile(r'^<!-- record: (?P<name>[A-Za-z0-9_.-]+) (?P<attrs>.*?)\s*-->\s*$')
RECORD_CLOSE = re.compile(r'^<!-- /record -->\s*$')
ATTR = re.compile(r'(?P<key>[a-z]+)="(?P<value>(?:[^"\\]|\\.)*)"')


class Figure:
    def __init__(self, name, path, line, attrs, record=False):
        self.name, self.path, self.line, self.attrs, self.record = name, path, line, attrs, record
        self.content = []  # the lines between the markers, as scanned

    @property
    def command(self):
        return self.attrs["command"]


def parse_attrs(text, where, record=False):
    attrs, pos = {}, 0
    for m in ATTR.finditer(text):
        if text[pos:m.start()].strip():
            raise ValueError(f"{where}: cannot read '{text[pos:m.start()].strip()}' in the figure marker")
        attrs[m.group("key")] = m.group("value").replace('\\"', '"').replace("\\\\", "\\")
        pos = m.end()
    if text[pos:].strip():
        raise ValueError(f"{where}: cannot read '{text[pos:].strip()}' in the figure marker")
    if record:
        if set(attrs) != {"why"} or not attrs["why"].strip():
            raise ValueError(f'{where}: a record marker takes exactly why="..." (why no command regenerates it)')
        return attrs
    if "command" not in attrs:
        raise ValueError(f'{where}: the figure marker has no command="..."')
    unknown = set(attrs) - {"command", "format", "budget", "order"}
    if unknown:
        raise ValueError(f"{where}: unknown attribute(s) {', '.join(sorted(unknown))} (known: command, format, budget, order)")
    if attrs.get("order", "last") != "last":
        raise ValueError(f'{where}: order="{attrs["order"]}" is not last')
    if attrs.get("format", "markdown") not in ("markdown", "text"):
        raise ValueError(f'{where}: format="{attrs["format"]}" is not markdown or text')
    return attrs


def scan(path, root):
    """The figures of one file, checking that every block is closed and none is nested."""
    figures, open_fig = [], None
    rel = path.relative_to(root)
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = OPEN.match(line) or RECORD_OPEN.match(line)
        if m:
            record = m.re is RECORD_OPEN
            if open_fig:
                raise ValueError(f"{rel}:{i}: {'record' if record else 'figure'} '{m.group('name')}' starts inside "
                                 f"{'record' if open_fig.record else 'figure'} '{open_fig.name}' (line {open_fig.line})")
            open_fig = Figure(m.group("name"), path, i, parse_attrs(m.group("attrs"), f"{rel}:{i}", record), record)
        elif CLOSE.match(line) or RECORD_CLOSE.match(line):
            kind = "figure" if CLOSE.match(line) else "record"
            if not open_fig or open_fig.record != (kind == "record"):
                raise ValueError(f"{rel}:{i}: <!-- /{kind} --> without an open {kind}")
            figures.append(open_fig)
            open_fig = None
        elif line.lstrip().startswith("<!-- figure") or line.lstrip().startswith("<!-- record"):
            raise ValueError(f"{rel}:{i}: a malformed marker (expected <!-- figure: NAME command=\"...\" --> "
                             f"or <!-- record: NAME why=\"...\" -->)")
        elif open_fig:
            open_fig.content.append(line)
    if open_fig:
        kind = "record" if open_fig.record else "figure"
        raise ValueError(f"{rel}:{open_fig.line}: {kind} '{open_fig.name}' has no <!-- /{kind} -->")
    return figures


def documents(root):
    files = [root / "README.md"] if (root / "README.md").exists() else []
    docs = root / "docs"
    if docs.is_dir():
        files += sorted(p for p in docs.rglob("*.md") if p.is_file())
    return files


def all_figures(root):
    figures, seen = [], {}
    for path in documents(root):
        for fig in scan(path, root):
            if fig.name in seen:
                other = seen[fig.name]
                raise ValueError(f"figure '{fig.name}' is defined twice: {other.path.relative_to(root)}:{other.line} and "
                                 f"{fig.path.relative_to(root)}:{fig.line}")
            seen[fig.name] = fig
            figures.append(fig)
    return figures


def load_average():
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine():
    model = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} logical cores, {model}"


def replace_block(path, name, body):
    """Rewrites the content of figure NAME in PATH (read afresh) with BODY; the markers and everything else stay."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if (m := OPEN.match(l)) and m.group("name") == name)
    end = next(i for i in range(start + 1, len(lines)) if CLOSE.match(lines[i]))
    new = lines[:start + 1] + [body.rstrip("\n") + "\n"] + lines[end:]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(new)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def run(fig, root, nice, timeout):
    before = load_average()
    started = time.monotonic()
    command = ["bash", "-c", fig.command]
    if nice:
        command = ["nice", "-n", str(nice)] + command
    print(f"figures: {fig.name}: {fig.command}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(command, cwd=root, stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"figures: {fig.name}: timed out after {timeout} s; block left as it was", file=sys.stderr)
        return False
    wall = time.monotonic() - started
    after = load_average()
    output = done.stdout.strip("\n")
    if done.returncode != 0 or not output.strip():
        why = f"exit code {done.returncode}" if done.returncode != 0 else "no output"
        print(f"figures: {fig.name}: {why}; block left as it was", file=sys.stderr)
        return False
    if fig.attrs.get("format") == "text":
        output = "```text\n" + output + "\n```"
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    provenance = (f"*Figure `{fig.name}`: `{fig.command}`, run by `build/figures.sh --only {fig.name}` on {date} "
                  f"({wall:.0f} s); {machine()}; load average {before} before, {after} after.*")
    replace_block(fig.path, fig.name, output + "\n\n" + provenance)
    print(f"figures: {fig.name}: updated {fig.path.relative_to(root)} ({wall:.1f} s)", file=sys.stderr)
    return True


def main(argv):
    p = argparse.ArgumentParser(prog="build/figures.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("--list", action="store_true", help="list the figures and run nothing")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="run only these figures")
    p.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent), help="repository root")
    p.add_argument("--nice", type=int, default=10, help="niceness of the commands (0: none)")
    p.add_argument("--timeout", type=float, default=None, help="seconds one command may run (default: no limit)")
    args = p.parse_args(argv)
    root = pathlib.Path(args.root).resolve()
    try:
        figures = all_figures(root)
    except ValueError as e:
        print(f"figures: {e}", file=sys.stderr)
        return 2
    if args.list:
        for fig in figures:
            if fig.record:
                print(f"{fig.name}\t{fig.path.relative_to(root)}:{fig.line}\trecord, not regenerated: {fig.attrs['why']}")
                continue
            budget = f"  [{fig.attrs['budget']}]" if "budget" in fig.attrs else ""
            budget += "  (runs last)" if fig.attrs.get("order") == "last" else ""
            print(f"{fig.name}\t{fig.path.relative_to(root)}:{fig.line}\t{fig.command}{budget}")
        return 0
    wanted = [n for item in args.only for n in item.split(",") if n]
    names = {f.name for f in figures if not f.record}
    records = {f.name for f in figures if f.record}
    unknown = [n for n in wanted if n not in names]
    if unknown:
        kept = [n for n in unknown if n in records]
        if kept:
            print(f"figures: {', '.join(kept)}: a record, not regenerated (no command measures it again; build/figures.sh "
                  f"--list says why)", file=sys.stderr)
        others = [n for n in unknown if n not in records]
        if others:
            print(f"figures: no figure named {', '.join(others)} (build/figures.sh --list shows them)", file=sys.stderr)
        return 2
    chosen = [f for f in figures if not f.record and (not wanted or f.name in wanted)]
    chosen.sort(key=lambda f: f.attrs.get("order") == "last")  # stable: document order otherwise
    failed = [f.name for f in chosen if not run(f, root, args.nice, args.timeout)]
    print(f"figures: {len(chosen) - len(failed)} updated, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}",
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
