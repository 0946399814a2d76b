#!/usr/bin/env bash
# build/figures.sh [--list] [--only NAME[,NAME]]... [--root DIR] [--nice N] [--timeout S]: regenerates every figure block
# (<!-- figure: NAME command="..." --> ... <!-- /figure -->) of README.md and docs/**/*.md in place by running its command;
# see build/figures.py for the format (and for records, <!-- record: NAME why="..." -->, which --list names and no run
# rewrites). Blocks with order="last" (README's results table) run after the others. Long benchmarks: run it in the
# background with a log, e.g.
#   nohup build/figures.sh --only bench-env >figures.log 2>&1 &
set -euo pipefail
exec python3 "$(dirname "${BASH_SOURCE[0]}")/figures.py" "$@"
