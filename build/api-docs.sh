#!/usr/bin/env bash
# build/api-docs.sh: the API reference, generated from the libraries' XML doc comments (src/*/*.csproj) by docfx, a .NET
# local tool pinned in .config/dotnet-tools.json. .ci/run calls it after the tests. Warnings are errors (a broken cref, a
# missing reference, a bad page): the run fails and prints them.
# Output: artifacts/api-docs/site/ (open index.html; ignored by git), intermediate metadata in artifacts/api-docs/api/.
# Prints "api-docs: PASS (N s, M pages)" or "api-docs: FAIL: <why>" last, and exits non-zero on failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$SECONDS
out="$root/artifacts/api-docs"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

fail() { echo "api-docs: FAIL: $1 (after $((SECONDS - started)) s)"; exit 1; }

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
dotnet tool restore >"$log" 2>&1 || { cat "$log" >&2; fail "dotnet tool restore (docfx, .config/dotnet-tools.json)"; }
rm -rf "$out"
# docfx loads the projects itself (Release, restored as in CI), so nothing needs building first.
if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet tool run docfx build/docfx/docfx.json --warningsAsErrors >"$log" 2>&1; then
  grep -iE "warning|error" "$log" | sort -u | head -n 40 >&2 || tail -n 40 "$log" >&2
  fail "docfx reported errors or warnings (see above)"
fi
pages=$(find "$out/site/api" -name '*.html' 2>/dev/null | wc -l)
((pages > 0)) || fail "docfx wrote no API page under $out/site/api"
[[ -s "$out/site/index.html" ]] || fail "no $out/site/index.html"
echo "api-docs: PASS ($((SECONDS - started)) s, $pages pages in ${out#$root/}/site)"
