#!/usr/bin/env python3
"""build/soak-table.py: runs `./rl bench soak` with the given options and summarises its report rows by phase (the tables of
docs/soak.md, a figure block that build/figures.sh runs): exceptions, non-finite values, RSS after each phase's first report
(which holds start-up), its spread, the managed heap and the live TorchSharp tensors, plus the soak's own verdict lines.

Usage: python3 build/soak-table.py [--rl COMMAND] [--from FILE] [SOAK OPTIONS...]
  SOAK OPTIONS   passed to `rl bench soak` (e.g. --state-steps 10000000 --pixel-steps 1000000 --train-steps 1000000
                 --reports 20 --interleaved)
  --from FILE    summarise a saved output of `rl bench soak` instead of running it
  --rl COMMAND   the runner to use instead of ./rl
The soak's full output goes to standard error; the summary to standard output.
"""
import argparse
import pathlib
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = "| phase | steps | exceptions | non-finite values | RSS (MiB) |"


def parse(text):
    """(the lines outside the table, {phase: [row dicts in order]}) of a soak output."""
    phases, other, in_table = {}, [], False
    for line in text.splitlines():
        if line.startswith(HEADER):
            in_table = True
            continue
        if in_table and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if set(cells[0]) <= set("-:") or len(cells) < 9:
                continue
            phases.setdefault(cells[0], []).append(dict(
                steps=int(cells[1].replace(",", "")), exceptions=int(cells[2]), non_finite=int(cells[3]),
                rss=float(cells[4]), heap=float(cells[6]), tensors=int(cells[7].replace(",", "")), elapsed=float(cells[8])))
            continue
        in_table = False
        if line.strip():
            other.append(line)
    return other, phases


def spread(values):
    return (max(values) - min(values)) / min(values) if len(values) > 1 and min(values) > 0 else 0.0


def summarise(text):
    other, phases = parse(text)
    if not phases:
        raise ValueError("no report rows found in the soak's output")
    exceptions = sum(rows[-1]["exceptions"] for rows in phases.values())
    non_finite = sum(rows[-1]["non_finite"] for rows in phases.values())
    later = [r["rss"] for rows in phases.values() for r in rows[1:]]
    tensors = sorted({r["tensors"] for rows in phases.values() for r in rows})
    reports = {len(rows) for rows in phases.values()}
    verdict = next((l for l in other if l.startswith("RSS within each phase")), "the soak printed no RSS verdict (stopped early?)")
    heaviest = max(phases, key=lambda p: max(r["heap"] for r in phases[p]))
    out = ["| figure | result |", "|---|---|",
           f"| phases | {len(phases)}, {'/'.join(map(str, sorted(reports)))} reports each |",
           f"| exceptions | {exceptions} |",
           f"| non-finite observations, rewards, training scalars | {non_finite} |",
           f"| RSS after each phase's first report (MiB) | {min(later):.1f} to {max(later):.1f} over all phases |" if later else
           "| RSS after each phase's first report | one report per phase: not measured |",
           f"| the command's verdict | {verdict} |",
           f"| managed heap, largest phase ({heaviest}) | {min(r['heap'] for r in phases[heaviest]):.1f} - "
           f"{max(r['heap'] for r in phases[heaviest]):.1f} MiB |",
           f"| live TorchSharp tensors (values seen) | {', '.join(map(str, tensors))} |",
           "",
           "| phase | reports | steps reached | exceptions | non-finite | RSS after the first report (MiB): min - max | spread | "
           "managed heap (MiB) | live tensors |",
           "|---|---:|---:|---:|---:|---|---:|---|---|"]
    for name, rows in phases.items():
        rest = [r["rss"] for r in rows[1:]]
        rss = f"{min(rest):.1f} - {max(rest):.1f}" if rest else "–"
        out.append(f"| {name} | {len(rows)} | {rows[-1]['steps']:,} | {rows[-1]['exceptions']} | {rows[-1]['non_finite']} | {rss} | "
                   f"{100 * spread(rest):.1f}% | {min(r['heap'] for r in rows):.1f} - {max(r['heap'] for r in rows):.1f} | "
                   f"{', '.join(map(str, sorted({r['tensors'] for r in rows})))} |")
    out.append("")
    out.extend(l for l in other if l != verdict)
    return "\n".join(out)


def main(argv):
    p = argparse.ArgumentParser(prog="build/soak-table.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--from", dest="source", help="a saved output of rl bench soak")
    p.add_argument("--rl", help="the runner command (default ./rl)")
    args, soak = p.parse_known_args(argv)
    if args.source:
        text = pathlib.Path(args.source).read_text(encoding="utf-8")
        code = 0
    else:
        runner = shlex.split(args.rl) if args.rl else [str(ROOT / "rl")]
        done = subprocess.run([*runner, "bench", "soak", *soak], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        text, code = done.stdout, done.returncode
        sys.stderr.write(text)
    try:
        print(summarise(text))
    except ValueError as e:
        print(f"soak-table: {e} (exit code {code})", file=sys.stderr)
        return 1
    if code != 0:
        # The soak exits with 1 when it counted exceptions or non-finite values: the summary says so, and is the figure.
        print(f"\n`rl bench soak` exited with code {code}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
