#!/usr/bin/env bash
# build/sweep-figure.sh [--steps N] [--trials N] [--seeds A-B] [--rl COMMAND] [--work DIR] [--plots DIR]: the measured ARS Hopper-v1 sweep
# of docs/experiments.md in one run (a figure block that build/figures.sh runs): `rl sweep` in two stages with successive
# halving, the top of its ranked table; its winner (best.toml) against the shipped config on fresh seeds with
# build/learning-table.py (per-seed final evaluations); and `rl compare` of the two groups (IQM with bootstrap confidence
# intervals). It also rewrites the two plots the page shows (--plots, default docs/: sweep-ars-Hopper-v1-*.png). Defaults: the page's budget,
# 200k steps per trial and per run, 15 trials per stage, seeds 100-104. The tables go to standard output, progress to
# standard error; the sweep and the runs stay in --work (default /tmp/rl-fig-sweep, emptied first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
steps=200000 trials=15 seeds=100-104 rl="$root/rl" work=/tmp/rl-fig-sweep plots=docs
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --rl) rl="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --plots) plots="$2"; shift 2 ;;
    *) echo "sweep-figure: unknown option $1 (--steps, --trials, --seeds, --rl, --work, --plots)" >&2; exit 2 ;;
  esac
done
rm -rf "$work"
mkdir -p "$work"
runs=(--set "run.total_steps=$steps" --set run.eval_episodes=10)
# shellcheck disable=SC2086 # --rl may be a command with arguments (dotnet .../rl.dll)
$rl sweep ars-Hopper-v1.toml --trials "$trials" --stages 2 --rungs 1/3,1 --eta 3 --jobs 2 --seed 0 "${runs[@]}" \
  --set run.eval_interval=0 --set config.top_directions=4 \
  --param 'config.step_size=loguniform(0.005,0.2)' --param 'config.noise_std=loguniform(0.005,0.1)' \
  --param 'config.directions=int(4,32)' --out "$work/sweep" >&2
echo "**The sweep**: \`rl sweep ars-Hopper-v1.toml --trials $trials --stages 2 --rungs 1/3,1 --eta 3 --jobs 2 --seed 0 --set run.total_steps=$steps ...\`, the top of its results.md:"
echo
grep '^|' "$work/sweep/results.md" | head -n 7
cp "$work/sweep/score-vs-config.step_size.png" "$plots/sweep-ars-Hopper-v1-step_size.png"
echo
echo "**Its winner against the shipped config** on seeds $seeds, $steps steps each:"
echo
python3 build/learning-table.py --rl "$rl" --layout seeds --seeds "$seeds" --keep "$work/runs" "${runs[@]}" \
  --set run.eval_interval=$((steps / 4)) --variant "winner;$work/sweep/best.toml" --variant "shipped;ars-Hopper-v1"
echo
echo "**\`rl compare winner=WINNER_RUNS shipped=SHIPPED_RUNS\`**:"
echo
# shellcheck disable=SC2086
$rl compare winner="$work/runs/winner" shipped="$work/runs/shipped" --markdown "$work/compare.md" \
  --out "$plots/sweep-ars-Hopper-v1-winner-vs-shipped.png" >&2
cat "$work/compare.md"
