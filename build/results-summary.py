#!/usr/bin/env python3
"""build/results-summary.py: prints README.md's "What it reached" table from the figure blocks of docs/ (a figure block of
README.md that build/figures.sh runs last, after the docs' blocks, so one run refreshes the README too). It measures
nothing: every number in it is read from the current content of a named figure block, so it cannot drift from the docs.

Usage: python3 build/results-summary.py [--in-docs] [REPOSITORY_ROOT]
  --in-docs   links relative to docs/ (the same table at the top of docs/results.md)

Each row's text holds placeholders {FIGURE | ROWS | COLUMNS | HOW}: the first table in figure block FIGURE whose header
has one of COLUMNS (alternatives separated by ';', tried in order, compared without Markdown emphasis and case), the first
row whose first cell starts with one of ROWS (alternatives by ';'), and of that cell: the first number (HOW omitted),
the last number (last), or the whole cell (cell). A column alternative written NAME=~REGEX takes the regex's first group
from the cell instead. A placeholder that cannot be resolved is an error naming it.
"""
import pathlib
import re
import sys

import figures  # build/figures.py, beside this script: the figure blocks and their scanner

ARGS = [a for a in sys.argv[1:] if a != "--in-docs"]
IN_DOCS = "--in-docs" in sys.argv[1:]
ROOT = pathlib.Path(ARGS[0] if ARGS else pathlib.Path(__file__).resolve().parent.parent)

# (task, text with placeholders, pages). The pages are links relative to README.md.
ROWS = [
    ("CartPole-v1",
     "median env steps to solve over 5 seeds: ARS {solve-gradient-free|ars|median env steps}, "
     "ES {solve-gradient-free|es|median env steps}, REINFORCE {solve-pg|reinforce|median env steps}, "
     "PPO {ppo-dqn-cartpole|CartPole-v1, PPO;ppo-CartPole-v1|median env steps;median}, "
     "DQN {ppo-dqn-cartpole|CartPole-v1, DQN;dqn-CartPole-v1|median env steps;median}",
     "[results.md](docs/results.md), [ppo-dqn.md](docs/ppo-dqn.md)"),
    ("MountainCarContinuous-v0, Acrobot-v1, MountainCar-v0",
     "seeds that reach Gymnasium's threshold (of 5; threshold): ARS on MountainCarContinuous-v0 "
     "{learning-classic|ars-MountainCarContinuous-v0|reached threshold|cell} and on Acrobot-v1 "
     "{learning-classic|ars-Acrobot-v1|reached threshold|cell}, CEM on Acrobot-v1 "
     "{learning-classic|cem-Acrobot-v1|reached threshold|cell}; Acrobot-v1 PPO "
     "{ppo-dqn-classic|Acrobot-v1, PPO;ppo-Acrobot-v1|median} and DQN {ppo-dqn-classic|Acrobot-v1, DQN;dqn-Acrobot-v1|median}; "
     "MountainCar-v0 DQN {ppo-dqn-classic|MountainCar-v0, DQN;dqn-MountainCar-v0|median} and PPO "
     "{ppo-dqn-classic|MountainCar-v0, PPO;ppo-MountainCar-v0|median} (medians of `rl eval` over the seeds; threshold −110)",
     "[classic-control.md](docs/classic-control.md#learning), [ppo-dqn.md](docs/ppo-dqn.md)"),
    ("MountainCar-v0 (ARS), Pendulum-v1",
     "not reached: ARS {learning-classic|ars-MountainCar-v0|mean evaluation} on MountainCar-v0 (threshold −110); "
     "Pendulum-v1, seeds that reach the threshold: ES on an MLP {learning-classic|es-Pendulum-v1|reached threshold|cell}, "
     "linear ARS {learning-classic|ars-Pendulum-v1|reached threshold|cell}",
     "[classic-control.md](docs/classic-control.md#learning)"),
    ("Hopper, Walker2d, HalfCheetah, Swimmer",
     "ARS with linear policies, seed 0, at the end of the budget: Hopper "
     "{learning-mujoco|ars Hopper-v1;ars-Hopper-v1|mean evaluation;evaluation at ~200k / ~500k / ~1M steps (2M)|last}, "
     "Walker2d {learning-mujoco|ars Walker2d-v1;ars-Walker2d-v1|mean evaluation;evaluation at ~200k / ~500k / ~1M steps (2M)|last}, "
     "HalfCheetah {learning-mujoco|ars HalfCheetah-v1;ars-HalfCheetah-v1|mean evaluation;evaluation at ~200k / ~500k / ~1M steps (2M)|last}, "
     "Swimmer {learning-mujoco|ars Swimmer-v1;ars-Swimmer-v1|mean evaluation;evaluation at ~200k / ~500k / ~1M steps (2M)|last}; "
     "PPO Hopper {ppo-hopper|Hopper-v1, PPO;ppo-Hopper-v1|median} at 1M steps (median of 3 seeds, goal 2,000)",
     "[results.md](docs/results.md#mujoco-locomotion), [mujoco.md](docs/mujoco.md#learning), [ppo-dqn.md](docs/ppo-dqn.md#hopper-v1)"),
    ("Kart from pixels",
     "on 10 held-out tracks (seeds 1,000,000-1,000,009, 1,000 steps), the fraction of the race completed: DAgger "
     "{kart-held-out|DAgger;dagger-Kart-v0|median;`rl eval RUN --episodes 10 --seed 1000000`: fraction of the race}, PPO "
     "{kart-held-out|PPO;ppo-Kart-v0|median;`rl eval RUN --episodes 10 --seed 1000000`: fraction of the race} (goals 0.8 and 0.5); "
     "on one track, seed 0, percent of a 200-step race: ARS "
     "{learning-games|ars-Kart-v0|mean evaluation;Measured (seed 0)=~evaluation ([\\d.]+)}, ES "
     "{learning-games|es-Kart-v0|mean evaluation;Measured (seed 0)=~about ([\\d.]+)}, REINFORCE "
     "{learning-games|reinforce-Kart-v0|mean evaluation;Measured (seed 0)=~evaluation ([\\d.]+)}",
     "[ppo-dqn.md](docs/ppo-dqn.md#kart-v0-from-pixels-on-held-out-tracks-dagger-and-ppo), "
     "[results.md](docs/results.md#games-from-pixels-kart-and-breakout)"),
    ("Breakout from pixels",
     "REINFORCE {learning-games|reinforce-Breakout-v0|mean evaluation;Measured (seed 0)=~removes ([\\d.]+) bricks} bricks "
     "(shaped training reward, 300-step games); PPO "
     "{ppo-breakout|ppo-Breakout-v0|`rl eval --episodes 10 --seed 10000` of the checkpoint at ≥ 100,000 steps=~median ([\\d.]+) of} "
     "bricks per game on reset seeds 10000-10009 after 100k env steps, 5% of its 2M budget (median of "
     "{ppo-breakout|ppo-Breakout-v0|`rl eval --episodes 10 --seed 10000` of the checkpoint at ≥ 100,000 steps=~of (\\d+)$} seeds; "
     "goal 10, stretch goals 20 reached and 48 not); DQN "
     "{dqn-breakout|dqn-Breakout-v0|`rl eval --episodes 10 --seed 10000` of the checkpoint at ≥ 50,000 steps=~median ([\\d.]+) of} "
     "after 50k env steps, 5% of its 1M budget (median of "
     "{dqn-breakout|dqn-Breakout-v0|`rl eval --episodes 10 --seed 10000` of the checkpoint at ≥ 50,000 steps=~of (\\d+)$} seeds; "
     "goal 5); "
     "gradient-free: ARS {learning-games|ars-Breakout-v0|mean evaluation;Measured (seed 0)=~evaluation ([\\d.]+)} and ES "
     "{learning-games|es-Breakout-v0;ars-Breakout-v0.toml, es-Breakout-v0|mean evaluation;Measured (seed 0)=~and ([\\d.]+) against} bricks (random play on the page)",
     "[results.md](docs/results.md#games-from-pixels-kart-and-breakout), [ppo-dqn.md](docs/ppo-dqn.md)"),
    ("Imitation",
     "measured by the test suite at fixed seeds, not by a figure block: behaviour cloning on CartPole, BC against DAgger on "
     "the kart (the drift problem)",
     "[imitation.md](docs/imitation.md)"),
    ("Speed",
     "CartPole {bench-env|CartPole-v1, 1 env, Step(action, into)|steps/s|cell} steps/s on one thread "
     "({bench-env|CartPole-v1, 1 env, Step(action, into)|vs Python|cell} a numpy transcription), "
     "{bench-env|CartPole-v1, 1 env, Step(action, into)|bytes allocated / step} bytes per step; "
     "{bench-render|vector of 256 envs|frames/s (wall)} pixel frames/s batched",
     "[benchmarks.md](docs/benchmarks.md)"),
]

NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]+)\|([^{}|]+)\|([^{}|]+)(?:\|(last|cell))?\}")


def blocks(root):
    """{figure name: its content lines} of the figure blocks of docs/**/*.md, read by build/figures.py's scanner."""
    docs = (root / "docs").resolve()
    return {f.name: f.content for f in figures.all_figures(root)
            if not f.record and f.path.resolve().is_relative_to(docs)}


def plain(text):
    """TEXT without Markdown emphasis and code marks."""
    return re.sub(r"[*_]{2}|`", "", text).strip()


def tables(lines):
    """Every Markdown table in LINES as (header cells, rows of cells)."""
    out, current = [], []
    for line in lines + [""]:
        if line.startswith("|"):
            current.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif current:
            rows = [r for r in current[1:] if not all(set(c) <= set("-: ") for c in r)]
            out.append((current[0], rows))
            current = []
    return out


def resolve(found, figure, rows, columns, how):
    if figure not in found:
        raise ValueError(f"no figure block named '{figure}' in docs/")
    for alternative in columns.split(";"):
        column, _, pattern = alternative.strip().partition("=~")
        for header, body in tables(found[figure]):
            names = [plain(h).lower() for h in header]
            if plain(column).lower() not in names:
                continue
            k = names.index(plain(column).lower())
            for row_name in rows.split(";"):
                row = next((r for r in body if plain(r[0]).startswith(plain(row_name)) and len(r) > k), None)
                if row is None:
                    continue
                cell = plain(row[k])
                if pattern:
                    m = re.search(pattern, cell)
                    if m:
                        return m.group(1)
                    continue
                if how == "cell":
                    return cell
                numbers = NUMBER.findall(cell)
                if numbers:
                    return numbers[-1] if how == "last" else numbers[0]
    raise ValueError(f"{{{figure}|{rows}|{columns}{'|' + how if how else ''}}}: no table row and column of figure "
                     f"'{figure}' match (the block's table changed: fix the placeholder in ROWS of build/results-summary.py)")


def main():
    found = blocks(ROOT)
    print("| Task | Result | Page |")
    print("|---|---|---|")
    try:
        for task, text, pages in ROWS:
            filled = PLACEHOLDER.sub(lambda m: resolve(found, m.group(1), m.group(2), m.group(3), m.group(4)), text)
            if IN_DOCS:
                pages = pages.replace("](docs/", "](")
            print(f"| {task} | {filled} | {pages} |")
    except ValueError as e:
        print(f"results-summary: {e}", file=sys.stderr)
        return 1
    print()
    print(f"Every figure above is read from a figure block of docs/ (`python3 build/results-summary.py{' --in-docs' if IN_DOCS else ''}`); "
          "the pages give the command, seeds, budget and load of each, and what did not learn.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
