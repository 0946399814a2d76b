#!/usr/bin/env bash
# ./rl <command> [args]: runs the toolkit's console runner (experiments/, assembly rl), building it in Release first
# when any source, project or build file is newer than the last successful build. Build output is shown only on failure.
# The runner is published ReadyToRun (its own and its packages' assemblies compiled ahead of time by crossgen2, which the SDK
# restores), so a short command spends its start-up running code instead of JIT-compiling some 2,000 methods
# (docs/benchmarks.md, "The main command, as a whole process").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$root/experiments/Rl.Experiments.csproj"
out="$root/experiments/bin/Release/net10.0/linux-x64/publish"
state="$root/experiments/obj/rl-script"
stamp="$state/built.stamp"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "rl: the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 127
fi

stale() {
  [[ -f "$out/rl.dll" && -f "$stamp" ]] || return 0
  local newer
  newer="$(find "$root/src" "$root/experiments" "$root/build" "$root/Directory.Build.props" "$root/Directory.Build.targets" \
    "$root/Directory.Packages.props" \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.toml' -o -name '*.json' -o -name '*.ttf' \) \
    -print -quit 2>/dev/null)"
  [[ -n "$newer" ]]
}

if stale; then
  mkdir -p "$state"
  # One build at a time when several ./rl start together.
  exec 9>"$state/lock"
  command -v flock >/dev/null 2>&1 && flock 9
  if stale; then
    [[ -t 2 ]] && echo "rl: building the runner (Release)..." >&2
    touch "$state/started.stamp"
    log="$state/build.log"
    # Publish hard-links the files it does not change (libtorch and the other native libraries) instead of copying them.
    if ! dotnet publish "$project" -c Release -p:PublishReadyToRun=true -p:CreateHardLinksForPublishFilesIfPossible=true \
        -o "$out" -nologo -v quiet -clp:NoSummary >"$log" 2>&1; then
      grep -E ' error |error [A-Z]+[0-9]+' "$log" | sort -u >&2 || cat "$log" >&2
      echo "rl: build failed (full log: $log)" >&2
      exit 1
    fi
    # The stamp takes the build's start time, so files edited during the build trigger the next one.
    mv "$state/started.stamp" "$stamp"
  fi
  exec 9>&-
fi

exec dotnet "$out/rl.dll" "$@"
