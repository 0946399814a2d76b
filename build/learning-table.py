#!/usr/bin/env python3
"""build/learning-table.py: trains shipped configs (or variants of them) on several seeds with `./rl train` and prints a
Markdown table of what they reached, the learning tables of docs/ as figure blocks (build/figures.sh runs it). Budgets are
the configs' own unless --set (or a variant's own settings) changes them.

Usage: python3 build/learning-table.py [--layout summary|seeds|health] [--seeds 0-4] [--set KEY=VALUE]...
                                       [--eval-episodes N --eval-seed S] [--evals STEPS,...] [--checkpoints STEPS,...]
                                       [--variant 'LABEL;CONFIG;KEY=VALUE;...']... [--scale X] [--keep DIR] [CONFIG...]
  CONFIG            a config file or a shipped config's name (ars-Acrobot-v1 or ars-Acrobot-v1.toml); one row each
  --variant SPEC    one more row: LABEL;CONFIG;KEY=VALUE;... trains CONFIG with these --set overrides (after the global
                    ones); the pseudo-key seeds=A-B gives the row its own seeds (e.g. a one-seed reference row)
  --seeds A-B|A,B   seeds (default 0-4)
  --layout          summary (default): one row per config with the seeds reached, median steps, mean evaluation;
                    seeds: the figures of each seed side by side (budget, where training stopped, the runner's final
                    evaluation, the `rl eval` figure, its median over the seeds, the seeds that met the threshold,
                    training wall, load at the start and end of each run) and, with --checkpoints, `rl eval` of saved
                    checkpoints; health: what `rl health` found in each run (warnings, update/weight ratios, weight norms)
  --eval-episodes   also evaluate each run's final policy with `rl eval RUN --episodes N --seed S --json` (the "mean
                    evaluation" column then comes from it, on reset seeds the training never saw); otherwise from the
                    run's own final evaluation (result.json)
  --checkpoints     (seeds layout, needs --eval-episodes) `rl eval` of the first checkpoint at or after each step count
  --evals           add a column with the run's evaluations (metrics.csv) at the first evaluation at or after each step count
  --rl COMMAND      the runner to use instead of ./rl (e.g. a Debug build: 'dotnet .../rl.dll')
  --scale X         multiply every return (evaluations, threshold) by X, e.g. 0.01 for Kart's percent of the race as a
                    fraction
  --keep DIR        keep the run directories as DIR/LABEL/seed-S (for `rl compare`); otherwise they are removed
Runs go to a temporary folder that is removed afterwards; progress goes to standard error, the table to standard output.
"""
import argparse
import csv
import json
import shlex
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

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


def load_average():
    try:
        return float(pathlib.Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def evaluations(run):
    """(env_steps, eval_mean_return) for every row of metrics.csv with an evaluation."""
    rows = []
    if not (run / "metrics.csv").exists():
        return rows
    with open(run / "metrics.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("eval_mean_return"):
                rows.append((int(float(row["env_steps"])), float(row["eval_mean_return"])))
    return rows


def checkpoint_at(run, steps):
    """The first checkpoint of RUN at or after STEPS env steps (checkpoints/step-N.ckpt), or None."""
    found = []
    for path in (run / "checkpoints").glob("step-*.ckpt"):
        m = re.fullmatch(r"step-(\d+)\.ckpt", path.name)
        if m:
            found.append((int(m.group(1)), path))
    later = sorted(p for p in found if p[0] >= steps)
    return later[0] if later else None


class Row:
    """One row of the table: a label, the config it trains, its own --set overrides and seeds."""

    def __init__(self, label, config, sets, seeds):
        self.label, self.config, self.sets, self.seeds = label, config, sets, seeds
        self.runs = []


def parse_variant(spec, default_seeds):
    parts = [p.strip() for p in spec.split(";")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise SystemExit(f"learning-table: --variant '{spec}': expected LABEL;CONFIG[;KEY=VALUE]...")
    sets, seeds = [], default_seeds
    for item in parts[2:]:
        if not item:
            continue
        if "=" not in item:
            raise SystemExit(f"learning-table: --variant '{spec}': '{item}' is not KEY=VALUE")
        key, value = item.split("=", 1)
        if key.strip() == "seeds":
            seeds = seeds_of(value.strip())
        else:
            sets.append(f"{key.strip()}={value.strip()}")
    return Row(parts[0], parts[1], sets, seeds)


def config_path(config):
    return config if config.endswith(".toml") else config + ".toml"


SCALE = [1.0]


def scaled(value):
    return None if value is None else value * SCALE[0]


def evaluate(target, episodes, seed):
    """`rl eval TARGET --episodes N --seed S --json` as a dict (mean_return, std_return, mean_length, ...), returns scaled."""
    code, text = rl("eval", str(target), "--episodes", str(episodes), "--seed", str(seed), "--json")
    if code != 0:
        raise RuntimeError(f"rl eval {target} exited with {code}")
    result = json.loads(text.strip().splitlines()[-1])
    for key in ("mean_return", "std_return"):
        result[key] = scaled(result.get(key))
    return result


def budget_of(out):
    """The run's budget from its config.toml: total steps, and the iteration limit where one is set."""
    try:
        config = tomllib.loads((out / "config.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return "–"
    run = config.get("run", {})
    parts = []
    if run.get("max_iterations"):
        parts.append(f"{run['max_iterations']:,} iterations")
    if run.get("total_steps"):
        parts.append(f"{run['total_steps']:,} steps")
    return " or ".join(parts) if parts else "–"


def health_of(out):
    """The run's health.json (None when it has none)."""
    path = out / "health.json"
    return json.loads(path.read_text()) if path.exists() else None


def run_dir(work, row, seed):
    """Where ROW's run of SEED trains: WORK/LABEL/seed-S, the label made safe for a folder name."""
    return work / re.sub(r"[^A-Za-z0-9_.-]+", "_", row.label) / f"seed-{seed}"


def train(row, seed, args, work):
    out = run_dir(work, row, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    command = ["train", config_path(row.config), "--seed", str(seed), "--out", str(out), "--plain"] + \
              [a for s in args.sets + row.sets for a in ("--set", s)]
    print(f"learning-table: rl {' '.join(command)}", file=sys.stderr, flush=True)
    load_start = load_average()
    started = time.monotonic()
    code, _ = rl(*command)
    wall = time.monotonic() - started
    if code != 0:
        raise RuntimeError(f"rl train {row.label} seed {seed} exited with {code}")
    result = json.loads((out / "result.json").read_text())
    final_eval = result.get("final_eval") or {}
    run = dict(seed=seed, status=result["status"], iterations=result.get("iteration", 0), steps=result["env_steps"], train=result["wall_seconds"], wall=wall,
               runner_final=scaled(final_eval.get("mean_return")), final=scaled(final_eval.get("mean_return")),
               threshold=scaled(result.get("reward_threshold")), budget=budget_of(out), load_start=load_start, evaluation=None,
               checkpoints=[], health=health_of(out))
    if args.eval_episodes:
        run["evaluation"] = evaluate(out, args.eval_episodes, args.eval_seed)
        run["final"] = run["evaluation"]["mean_return"]
        for mark in args.checkpoint_marks:
            found = checkpoint_at(out, mark)
            run["checkpoints"].append((found[0], evaluate(found[1], args.eval_episodes, args.eval_seed)) if found else None)
    evals = evaluations(out)
    run["at"] = [next((f"{scaled(r):,.{0 if SCALE[0] >= 1 else 2}f}" for s, r in evals if s >= m), "–") for m in args.eval_marks]
    run["load_end"] = load_average()
    return run


def num(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def per_seed(runs, cell):
    return " / ".join(cell(r) for r in runs)


def summary_table(rows, args):
    marks = args.eval_marks
    header = ["Config", "seeds", "reached threshold", "median steps", "training s (min-max)", "median wall s",
              "mean evaluation", "per seed (" + args.seeds + ")"]
    if marks:
        header.append("evaluations at " + " / ".join(f"{m:,}" for m in marks) + " steps (per seed)")
    print("| " + " | ".join(header) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---|" + ("---|" if marks else ""))
    for row in rows:
        runs = row.runs
        finals = [r["final"] for r in runs if r["final"] is not None]
        threshold = runs[0]["threshold"]
        reached = sum(1 for r in runs if threshold is not None and r["final"] is not None and r["final"] >= threshold)
        cells = [row.label, str(len(runs)),
                 f"{reached}/{len(runs)} ({threshold:g})" if threshold is not None else "no threshold",
                 f"{statistics.median(r['steps'] for r in runs):,.0f}",
                 f"{min(r['train'] for r in runs):.1f}-{max(r['train'] for r in runs):.1f}",
                 f"{statistics.median(r['wall'] for r in runs):.0f}",
                 f"{statistics.mean(finals):.1f}" if finals else "–",
                 ", ".join(f"{r['final']:.1f}" if r["final"] is not None else "–" for r in runs)]
        if marks:
            cells.append("; ".join(" / ".join(r["at"]) for r in runs))
        print("| " + " | ".join(cells) + " |")


def seeds_table(rows, args):
    evaluated = bool(args.eval_episodes)
    rl_eval = f"`rl eval --episodes {args.eval_episodes} --seed {args.eval_seed}`" if evaluated else None
    header = ["run", "seeds", "budget", "stopped at (env steps; status)", "median env steps", "runner's final evaluation"]
    if evaluated:
        header.append(f"{rl_eval}: mean ± std (mean length)")
    header += ["median", "met the threshold"]
    header += [f"{rl_eval} of the checkpoint at ≥ {m:,} steps" for m in args.checkpoint_marks]
    if args.eval_marks:
        header.append("evaluations at " + " / ".join(f"{m:,}" for m in args.eval_marks) + " steps")
    header += ["training wall s", "load (1 min) start→end"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        runs = row.runs
        finals = [r["final"] for r in runs if r["final"] is not None]
        threshold = runs[0]["threshold"]
        reached = sum(1 for r in runs if threshold is not None and r["final"] is not None and r["final"] >= threshold)
        budgets = sorted({r["budget"] for r in runs})
        cells = [row.label, ", ".join(str(r["seed"]) for r in runs), " / ".join(budgets),
                 per_seed(runs, lambda r: f"{r['steps']:,} {r['status']}"),
                 f"{statistics.median(r['steps'] for r in runs):,.0f}",
                 per_seed(runs, lambda r: num(r["runner_final"], args.digits))]
        if evaluated:
            cells.append(per_seed(runs, lambda r: f"{num(r['evaluation']['mean_return'], args.digits)} ± {num(r['evaluation']['std_return'], args.digits)} "
                                                  f"({num(r['evaluation']['mean_length'])})"))
        cells.append(f"**{statistics.median(finals):,.{args.digits}f}**" if finals else "–")
        cells.append(f"{reached} of {len(runs)} (≥ {threshold:g})" if threshold is not None else "no threshold")
        for k, _ in enumerate(args.checkpoint_marks):
            found = [r["checkpoints"][k][1]["mean_return"] for r in runs if r["checkpoints"][k] is not None]
            cells.append(per_seed(runs, lambda r: "–" if r["checkpoints"][k] is None else
                                  f"{num(r['checkpoints'][k][1]['mean_return'], args.digits)} ± {num(r['checkpoints'][k][1]['std_return'], args.digits)} "
                                  f"(step {r['checkpoints'][k][0]:,})") +
                         (f"; median **{statistics.median(found):,.{args.digits}f}** of {len(found)}" if found else ""))
        if args.eval_marks:
            cells.append("; ".join(" / ".join(r["at"]) for r in runs))
        cells.append(per_seed(runs, lambda r: f"{r['train']:.0f}"))
        cells.append(per_seed(runs, lambda r: f"{num(r['load_start'])}→{num(r['load_end'])}"))
        print("| " + " | ".join(cells) + " |")


def network_of(layer):
    """The network a layer belongs to: policy or value (policy_body..., value_head...), else the module's own name."""
    module, _, rest = layer.rpartition("/")
    first = re.split(r"[._]", rest, maxsplit=1)[0]
    return first if first in ("policy", "value", "q", "actor", "critic") else (module or first)


def health_cells(health):
    """Warnings; median update/weight ratio of the weight layers and weight norms first → last, per network."""
    if health is None:
        return ["no health.json", "–", "–"]
    warnings = ", ".join(w["check"] for w in health.get("warnings", [])) or "none"
    networks = {}
    for layer in health.get("layers", []):
        name = layer["layer"]
        if not name.endswith("weight"):
            continue
        networks.setdefault(network_of(name), []).append(layer)
    ratios, norms = [], []
    for network, layers in networks.items():
        r = [l["update_ratio"] for l in layers if l.get("update_ratio") is not None]
        if r:
            ratios.append(f"{network} {min(r):.2g} to {max(r):.2g}" if min(r) != max(r) else f"{network} {r[0]:.2g}")
        largest = max((l for l in layers if l.get("last_weight_norm") is not None), key=lambda l: l["last_weight_norm"], default=None)
        if largest is not None and largest.get("first_weight_norm") is not None:
            norms.append(f"{network} {largest['first_weight_norm']:.1f} → {largest['last_weight_norm']:.1f}")
    return [warnings, " · ".join(ratios) or "– (no gradients)", " · ".join(norms) or "–"]


def health_table(rows, args):
    header = ["run", "seed", "ended", "warnings", "median update/weight ratio of the weight layers (min to max over layers)",
              "weight norm first → last (largest layer)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        for r in row.runs:
            ended = f"{r['status']}, {r['iterations']:,} iterations, {r['steps']:,} steps, final evaluation {num(r['final'])}"
            print("| " + " | ".join([row.label, str(r["seed"]), ended] + health_cells(r["health"])) + " |")


def main(argv):
    p = argparse.ArgumentParser(prog="build/learning-table.py", description=__doc__.split("\n\n")[0])
    p.add_argument("configs", nargs="*")
    p.add_argument("--variant", action="append", default=[], metavar="LABEL;CONFIG;KEY=VALUE...")
    p.add_argument("--layout", choices=["summary", "seeds", "health"], default="summary")
    p.add_argument("--seeds", default="0-4")
    p.add_argument("--set", action="append", default=[], dest="sets")
    p.add_argument("--eval-episodes", type=int)
    p.add_argument("--eval-seed", type=int, default=1000)
    p.add_argument("--evals", default="")
    p.add_argument("--checkpoints", default="")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--keep", help="keep the run directories under this folder")
    p.add_argument("--rl", help="the runner command (default ./rl), e.g. 'dotnet experiments/bin/Debug/net10.0/linux-x64/rl.dll'")
    args = p.parse_args(argv)
    if args.rl:
        RUNNER[:] = shlex.split(args.rl)
    SCALE[0] = args.scale
    args.digits = 1 if args.scale >= 1 else 2
    seeds = seeds_of(args.seeds)
    args.eval_marks = [int(s) for s in args.evals.split(",") if s]
    args.checkpoint_marks = [int(s) for s in args.checkpoints.split(",") if s]
    if args.checkpoint_marks and not (args.eval_episodes and args.layout == "seeds"):
        p.error("--checkpoints needs --layout seeds and --eval-episodes")
    rows = [Row(pathlib.Path(c).name.removesuffix(".toml"), c, [], seeds) for c in args.configs]
    rows += [parse_variant(v, seeds) for v in args.variant]
    if not rows:
        p.error("name at least one CONFIG or --variant")
    work = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="rl-learning-table-"))
    try:
        for row in rows:
            for seed in row.seeds:
                row.runs.append(train(row, seed, args, work))
                if not args.keep:
                    shutil.rmtree(run_dir(work, row, seed), ignore_errors=True)
    except RuntimeError as e:
        print(f"learning-table: {e}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    {"summary": summary_table, "seeds": seeds_table, "health": health_table}[args.layout](rows, args)
    print()
    evaluation = (f"`rl eval RUN --episodes {args.eval_episodes} --seed {args.eval_seed}`" if args.eval_episodes
                  else "the run's final evaluation (result.json)")
    variants = "".join(f"; {r.label}: `{config_path(r.config)}" + "".join(f" --set {s}" for s in r.sets) + "`" +
                       (f" (seeds {', '.join(map(str, r.seeds))})" if r.seeds != seeds else "") for r in rows if r.sets or r.seeds != seeds)
    scale = f" (returns × {args.scale:g})" if args.scale != 1 else ""
    print(f"Each config trained with `./rl train CONFIG --seed S{''.join(' --set ' + s for s in args.sets)}` for seeds {args.seeds}"
          f"{variants}; evaluation: {evaluation}{scale}; training s: the runner's training time, wall s: the whole process.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
