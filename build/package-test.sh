#!/usr/bin/env bash
# build/package-test.sh: tests the NuGet packages as a user gets them (.ci/run calls it after the suite).
# 1. Packs every library and the `rl` tool (build/Packages.proj) into a temporary feed, under a version of its own
#    (0.1.0-pkgtest.<time>), so no package cached by an earlier run can stand in for these.
# 2. Creates a fresh console project outside the repository that references only those packages (no project references;
#    a temporary NuGet.config adds the feed to the normal sources), with a custom environment (tests/Rl.TestEnvironments/
#    SeekEnv.cs): checks it with EnvChecker, loads TorchSharp's native library (the Agents package's build fix at work),
#    trains ARS on it, saves the model, reloads it into a fresh instance and evaluates it.
# 3. Installs the tool from the same feed into a temporary tool path and runs `rl train ars CartPole-v1`, and `rl rollout`
#    on the custom environment through --env-assembly.
# Prints "package-test: PASS" or "package-test: FAIL: <step>" last, and exits non-zero on failure.
# Options: --keep (leave the temporary folder for inspection).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keep=false
[[ "${1:-}" == "--keep" ]] && keep=true
work="$(mktemp -d /tmp/rl-package-test.XXXXXX)"
prefix="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$root/Directory.Build.props")"
suffix="pkgtest.$(date -u +%Y%m%d%H%M%S).$$"
version="$prefix-$suffix"
feed="$work/feed"
step="start"
started=$SECONDS

cleanup() {
  # This run's packages in the global NuGet folder are of no use to anyone after it.
  local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  rm -rf "$cache"/rltoolkit.*/"$version"
  if $keep; then echo "package-test: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
  echo "package-test: FAIL: $step (after $((SECONDS - started)) s)${1:+: $1}"
  exit 1
}
run() { # run <log name> <command...>: output to a log, shown only on failure
  local log="$work/$1.log"
  shift
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "see the output above"; }
}
timed() { echo "package-test: $step done ($((SECONDS - started)) s)" >&2; }

command -v dotnet >/dev/null 2>&1 || { step="dotnet"; fail "the .NET SDK (dotnet) is not on PATH"; }
[[ -n "$prefix" ]] || { step="version"; fail "no <VersionPrefix> in $root/Directory.Build.props"; }

step="pack"
mkdir -p "$feed"
run pack dotnet msbuild "$root/build/Packages.proj" -restore -t:Pack -nologo -v:m \
  -p:Configuration=Release -p:PackageOutputPath="$feed" -p:VersionSuffix="$suffix"
ids=()
for nupkg in "$feed"/*."$version".nupkg; do
  [[ -e "$nupkg" ]] || fail "no package of version $version in $feed"
  name="$(basename "$nupkg" ".$version.nupkg")"
  ids+=("$name")
  [[ -e "$feed/$name.$version.snupkg" ]] || fail "$name has no symbol package (.snupkg)"
done
for want in RlToolkit.Core RlToolkit.Environments RlToolkit.Agents RlToolkit.Rendering RlToolkit.Distributed RlToolkit.Tool; do
  [[ " ${ids[*]} " == *" $want "* ]] || fail "package $want is missing (made: ${ids[*]})"
done
unzip -l "$feed/RlToolkit.Agents.$version.nupkg" | grep -q "buildTransitive/RlToolkit.Agents.targets" \
  || fail "RlToolkit.Agents lacks buildTransitive/RlToolkit.Agents.targets"
timed

step="consumer project"
app="$work/app"
mkdir -p "$app"
cat >"$work/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="rl-package-test" value="$feed" />
  </packageSources>
</configuration>
EOF
references=""
for id in RlToolkit.Core RlToolkit.Environments RlToolkit.Agents; do
  references+="    <PackageReference Include=\"$id\" Version=\"$version\" />"$'\n'
done
cat >"$app/App.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <SelfContained>false</SelfContained>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
$references  </ItemGroup>
  <ItemGroup>
    <!-- The custom environment: a user's source file, compiled here against the packages. -->
    <Compile Include="$root/tests/Rl.TestEnvironments/SeekEnv.cs" Link="SeekEnv.cs" />
  </ItemGroup>
</Project>
EOF
cat >"$app/Program.cs" <<'EOF'
using Rl.Agents.GradientFree;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.TestEnvironments;

new SeekEnvironments().Register(Envs.Registry);
IEnv MakeEnv() => Envs.Make(SeekEnv.Id);

var report = EnvChecker.Check(MakeEnv(), MakeEnv);
Console.WriteLine(report);
report.ThrowIfFailed();

// TorchSharp's native library loads: on Debian 12 only through the build fix the Agents package carries.
Rl.Agents.TorchSetup.EnsureInitialized();
using (var ones = TorchSharp.torch.ones(3))
    if (ones.sum().item<float>() != 3f) throw new InvalidOperationException("torch.ones(3).sum() is not 3");
Console.WriteLine("torch: native library loaded");

string model = Path.Combine(args[0], "seek.ckpt");
var config = new ArsConfig();
Train(config, MakeEnv, model);

using var reloaded = new Ars(config, new TrainingContext { MakeEnv = MakeEnv, Seed = 0, Threads = 1 });
reloaded.Load(Checkpoint.Read(model));
double mean = Evaluate(reloaded.Policy, MakeEnv, episodes: 50);
Console.WriteLine($"reloaded model: mean return {mean:0.000} over 50 episodes");
if (mean < 0.8) throw new InvalidOperationException($"the reloaded model's mean return {mean} is below Seek-v0's threshold 0.8");
Console.WriteLine("consumer: PASS");

// Training through the public API, in one place (switch to the library Trainer of Rl.Training when it is packed).
static void Train(ArsConfig config, Func<IEnv> makeEnv, string path)
{
    using var ars = new Ars(config, new TrainingContext { MakeEnv = makeEnv, Seed = 0, Threads = 1 });
    while (ars.EnvSteps < 20_000) ars.RunIteration();
    var checkpoint = new Checkpoint();
    ars.Save(checkpoint);
    checkpoint.WriteAtomic(path);
    Console.WriteLine($"trained: {ars.Iteration} iterations, {ars.EnvSteps} steps; saved {path}");
}

// Deterministic episodes with the policy, episode i seeded with 1000 + i.
static double Evaluate(IPolicy policy, Func<IEnv> makeEnv, int episodes)
{
    using var env = makeEnv();
    var rng = new Rng(7);
    double total = 0;
    for (int i = 0; i < episodes; i++)
    {
        policy.ResetState();
        var obs = env.ResetObject(seed: 1000 + i).Observation;
        while (true)
        {
            var step = env.StepObject(policy.Act(obs, deterministic: true, rng));
            total += step.Reward;
            obs = step.Observation;
            if (step.Done) break;
        }
    }
    return total / episodes;
}
EOF
cp "$work/NuGet.config" "$app/NuGet.config"
run consumer-build dotnet build "$app/App.csproj" -c Release -nologo -v:m -o "$app/out"
[[ -e "$app/out/libLibTorchSharp.so" ]] || fail "the consumer's output has no libLibTorchSharp.so"
timed

step="consumer run"
run consumer-run dotnet "$app/out/App.dll" "$work"
grep -q "^consumer: PASS" "$work/consumer-run.log" || fail "no PASS line from the consumer"
sed -n 's/^\(trained\|reloaded model\|torch\):/  &/p' "$work/consumer-run.log" >&2
timed

step="tool install"
run tool-install dotnet tool install RlToolkit.Tool --version "$version" --tool-path "$work/tools" \
  --configfile "$work/NuGet.config"
rl="$work/tools/rl"
[[ -x "$rl" ]] || fail "the tool installed no 'rl' command"
timed

step="rl train ars CartPole-v1"
run tool-train "$rl" train ars CartPole-v1 --plain --seed 0 --out "$work/run"
grep -q "^solved after" "$work/tool-train.log" || fail "rl train did not report 'solved after'"
[[ -s "$work/run/config.toml" ]] || fail "rl train wrote no run directory"
timed

step="rl rollout Seek-v0 --env-assembly"
run tool-rollout "$rl" rollout Seek-v0 --env-assembly "$app/out/App.dll" --seed 1 --actions 1,1,1,1
grep -q '"episode":0,"t":1,' "$work/tool-rollout.log" || fail "rl rollout printed no step of Seek-v0"
timed

echo "package-test: PASS ($((SECONDS - started)) s, packages ${ids[*]} $version)"
