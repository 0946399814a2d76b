#!/usr/bin/env python3
"""build/process-time.py: times whole processes (wall time, CPU time of the process and its children, peak RSS), several
runs of each command alternating after one warm-up run of each, and prints a Markdown table of the medians. It measures
what a user waits for: `./rl train ars CartPole-v1` from the shell, the .NET host, the run, its files and plot.

Usage: python3 build/process-time.py [--runs 10] LABEL=COMMAND...
  COMMAND   run through bash in the repository root; {out} in it becomes a new empty temporary folder for each run
  --runs N  timed runs of each command (default 10)
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import labelled_commands  # build/labelled_commands.py, beside this script

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run_once(command):
    """One run measured with wait4: wall, user + sys CPU of the process and its children, peak RSS (MiB)."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="rl-process-time-"))
    try:
        line = command.replace("{out}", str(work / "out"))
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.chdir(ROOT)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.execvp("bash", ["bash", "-c", line])
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        wall = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise RuntimeError(f"'{line}' exited with {code}")
        # wait4's usage covers the child and the descendants it waited for (bash waits for the runner).
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv):
    p = argparse.ArgumentParser(prog="build/process-time.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    args = p.parse_args(argv)
    commands = labelled_commands.parse(p, args.commands)
    results = {label: [] for label, _ in commands}
    try:
        for label, command in commands:
            run_once(command)  # warm-up: builds, page cache
        for i in range(args.runs):
            for label, command in commands:
                results[label].append(run_once(command))
                print(f"process-time: {label} run {i + 1}: {results[label][-1][0]:.3f} s", file=sys.stderr, flush=True)
    except RuntimeError as e:
        print(f"process-time: {e}", file=sys.stderr)
        return 1
    print("| command | runs | median wall s (min-max) | median CPU s (user + sys) | peak RSS (median, MiB) |")
    print("|---|---:|---:|---:|---:|")
    for label, command in commands:
        walls = [r[0] for r in results[label]]
        print(f"| {label}: `{command.replace('{out}', 'DIR')}` | {len(walls)} | **{statistics.median(walls):.3f}** "
              f"({min(walls):.3f}-{max(walls):.3f}) | {statistics.median(r[1] for r in results[label]):.3f} | "
              f"{statistics.median(r[2] for r in results[label]):.0f} |")
    print()
    print(f"{args.runs} runs of each command, alternating, after one warm-up run of each; each run into a new folder.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
