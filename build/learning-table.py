#!/usr/bin/env python3
"""build/learning-table.py: trains shipped configs on several seeds with `./rl train` and prints one Markdown row per config
(seeds that reached the threshold, median steps, training time, the final evaluation), the learning tables of docs/ as
figure blocks (build/figures.sh runs it). Budgets are the configs' own unless --set changes them.

Usage: python3 build/learning-table.py [--seeds 0-4] [--set KEY=VALUE]... [--eval-episodes N --eval-seed S]
                                       [--evals STEPS,STEPS,...] CONFIG...
  CONFIG            a config file or a shipped config's name (ars-Acrobot-v1 or ars-Acrobot-v1.toml)
  --seeds A-B|A,B   seeds (default 0-4)
  --eval-episodes   also evaluate each run's final policy with `rl eval RUN --episodes N --seed S --json` (the "mean
                    evaluation" column then comes from it, on reset seeds the training never saw); otherwise from the
                    run's own final evaluation (result.json)
  --rl COMMAND      the runner to use instead of ./rl (e.g. a Debug build: 'dotnet .../rl.dll')
  --evals           add a column with the run's evaluations (metrics.csv) at the first evaluation at or after each step count
Runs go to a temporary folder that is removed afterwards; progress goes to standard error, the table to standard output.
"""
import argparse
import csv
import json
import shlex
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def seeds_of(text):
    if "-" in text and "," not in text:
        a, b = text.split("-", 1)
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",") if s]


RUNNER = [str(ROOT / "rl")]


def rl(*args):
    """Runs the runner (./rl, or --rl) with its progress to stderr; returns (exit code, stdout)."""
    done = subprocess.run([*RUNNER, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    return done.returncode, done.stdout


def evaluations(run):
    """(env_steps, eval_mean_return) for every row of metrics.csv with an evaluation."""
    rows = []
    with open(run / "metrics.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("eval_mean_return"):
                rows.append((int(float(row["env_steps"])), float(row["eval_mean_return"])))
    return rows


def main(argv):
    p = argparse.ArgumentParser(prog="build/learning-table.py", description=__doc__.split("\n\n")[0])
    p.add_argument("configs", nargs="+")
    p.add_argument("--seeds", default="0-4")
    p.add_argument("--set", action="append", default=[], dest="sets")
    p.add_argument("--eval-episodes", type=int)
    p.add_argument("--eval-seed", type=int, default=1000)
    p.add_argument("--evals", default="")
    p.add_argument("--rl", help="the runner command (default ./rl), e.g. 'dotnet experiments/bin/Debug/net10.0/linux-x64/rl.dll'")
    args = p.parse_args(argv)
    if args.rl:
        RUNNER[:] = shlex.split(args.rl)
    seeds = seeds_of(args.seeds)
    marks = [int(s) for s in args.evals.split(",") if s]
    work = pathlib.Path(tempfile.mkdtemp(prefix="rl-learning-table-"))
    rows = []
    try:
        for config in args.configs:
            name = pathlib.Path(config).name.removesuffix(".toml")
            runs = []
            for seed in seeds:
                out = work / f"{name}-s{seed}"
                command = ["train", config if config.endswith(".toml") else config + ".toml", "--seed", str(seed),
                           "--out", str(out), "--plain"] + [a for s in args.sets for a in ("--set", s)]
                print(f"learning-table: rl {' '.join(command)}", file=sys.stderr, flush=True)
                started = time.monotonic()
                code, _ = rl(*command)
                wall = time.monotonic() - started
                if code != 0:
                    print(f"learning-table: rl train {name} seed {seed} exited with {code}", file=sys.stderr)
                    return 1
                result = json.loads((out / "result.json").read_text())
                final = (result.get("final_eval") or {}).get("mean_return")
                if args.eval_episodes:
                    code, text = rl("eval", str(out), "--episodes", str(args.eval_episodes), "--seed", str(args.eval_seed), "--json")
                    if code != 0:
                        print(f"learning-table: rl eval {out} exited with {code}", file=sys.stderr)
                        return 1
                    final = json.loads(text.strip().splitlines()[-1])["mean_return"]
                evals = evaluations(out)
                at = [next((f"{r:,.0f}" for s, r in evals if s >= m), "–") for m in marks]
                runs.append(dict(seed=seed, status=result["status"], steps=result["env_steps"], train=result["wall_seconds"],
                                 wall=wall, final=final, threshold=result.get("reward_threshold"), at=at))
                shutil.rmtree(out, ignore_errors=True)
            rows.append((name, runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    header = ["Config", "seeds", "reached threshold", "median steps", "training s (min-max)", "median wall s",
              "mean evaluation", "per seed (" + args.seeds + ")"]
    if marks:
        header.append("evaluations at " + " / ".join(f"{m:,}" for m in marks) + " steps (per seed)")
    print("| " + " | ".join(header) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---|" + ("---|" if marks else ""))
    for name, runs in rows:
        finals = [r["final"] for r in runs if r["final"] is not None]
        threshold = runs[0]["threshold"]
        reached = sum(1 for r in runs if threshold is not None and r["final"] is not None and r["final"] >= threshold)
        cells = [name, str(len(runs)),
                 f"{reached}/{len(runs)} ({threshold:g})" if threshold is not None else "no threshold",
                 f"{statistics.median(r['steps'] for r in runs):,.0f}",
                 f"{min(r['train'] for r in runs):.1f}-{max(r['train'] for r in runs):.1f}",
                 f"{statistics.median(r['wall'] for r in runs):.0f}",
                 f"{statistics.mean(finals):.1f}" if finals else "–",
                 ", ".join(f"{r['final']:.1f}" if r["final"] is not None else "–" for r in runs)]
        if marks:
            cells.append("; ".join(" / ".join(r["at"]) for r in runs))
        print("| " + " | ".join(cells) + " |")
    print()
    evaluation = (f"`rl eval RUN --episodes {args.eval_episodes} --seed {args.eval_seed}`" if args.eval_episodes
                  else "the run's final evaluation (result.json)")
    print(f"Each config trained with `./rl train CONFIG --seed S{''.join(' --set ' + s for s in args.sets)}` for seeds {args.seeds}; "
          f"mean evaluation: {evaluation}; training s: the runner's training time, wall s: the whole process.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
