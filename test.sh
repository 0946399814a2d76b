#!/usr/bin/env bash
# ./test.sh [extra dotnet test args]: runs every test of Rl.sln on a Debian 12 machine that has the .NET 10 SDK.
# 1. Installs the Debian packages the tests need when they are missing (apt-get as root; otherwise prints the command).
# 2. Starts Xvfb when there is no DISPLAY and Xvfb is installed (window tests).
# 3. Runs `dotnet test Rl.sln` and prints the totals over all test assemblies as a last line "N passed, N failed, N skipped".
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Debian packages the build and the tests need, in one place (add yours here, one per line, with the reason).
REQUIRED_PACKAGES=(
  libstdc++6         # libtorch and TorchSharp's native libraries
  strace             # the plot test checks that no font file or directory is read (PlotTests)
  libmujoco2.2.2     # MuJoCo locomotion environments (P/Invoke into libmujoco.so.2.2.2)
  python3            # the Python Gymnasium bridge and its tests (a pure-Python test env)
  python3-numpy      # demonstrations load in numpy (.npz round trip test); the bridge's numpy array paths
  libegl1            # headless OpenGL rendering through EGL
  libgl1             # libglvnd OpenGL dispatch
  libglx-mesa0       # Mesa GLX for windows under Xvfb
  libegl-mesa0       # Mesa's EGL (surfaceless platform, llvmpipe on machines without a GPU)
  libgl1-mesa-dri    # Mesa's OpenGL drivers (llvmpipe)
  libglfw3           # windows for rl watch / rl play (GLFW through P/Invoke)
  xvfb               # a virtual X display for the window tests in CI
  xdotool            # real key presses into the GLFW window under Xvfb (rl play tests)
  ffmpeg             # MP4 video recording (GIF is the fallback without it)
  redis-server       # Orleans' Redis membership in the distributed-rollout tests (a throwaway server on loopback)
)

missing=()
for p in "${REQUIRED_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "test.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
      echo "test.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
  else
    echo "test.sh: missing Debian packages; install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is not on PATH" >&2
  exit 1
fi

# Window tests need an X display; start a private Xvfb when none is set and it is installed.
xvfb_pid=""
cleanup() { [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null; [[ -n "${results:-}" ]] && rm -f "$results"; }
trap cleanup EXIT
if [[ -z "${DISPLAY:-}" ]] && command -v Xvfb >/dev/null 2>&1; then
  for n in $(seq 90 120); do
    [[ -e "/tmp/.X11-unix/X$n" || -e "/tmp/.X$n-lock" ]] && continue
    Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 50); do [[ -e "/tmp/.X11-unix/X$n" ]] && break; sleep 0.1; done
    export DISPLAY=":$n"
    break
  done
fi

log="$(mktemp)"
results="$log"
# Totals come from each test assembly's summary line ("Passed!  - Failed: 0, Passed: 20, Skipped: 0, Total: 20, ...").
dotnet test "$root/Rl.sln" --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0 failed=0 skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -n 's/^\(Passed\|Failed\|Skipped\)! *- Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\),.*/\2 \3 \4/p' "$log")
runs=$(grep -c '^Test run for ' "$log")
reported=$(($(grep -c '^\(Passed\|Failed\|Skipped\)! *- Failed:' "$log") + $(grep -c '^No test \(is available in\|matches the given testcase filter\) ' "$log")))
if ((reported < runs)); then
  echo "test.sh: $((runs - reported)) of $runs test assemblies reported no results (a crashed or aborted test host)" >&2
  failed=$((failed + runs - reported))
fi
# A test project that fails to build never starts a test run: count each as a failure, so a broken build is never "0 failed".
expected=$(find "$root/tests" -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | wc -l)
if ((runs < expected)); then
  echo "test.sh: $((expected - runs)) of $expected test projects did not build or did not start (see the errors above)" >&2
  failed=$((failed + expected - runs))
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed > 0 && status == 0)) && status=1
exit "$status"
