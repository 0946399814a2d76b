using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rl.Core;
using Rl.Environments;

namespace Rl.Experiments.Benchmarks;

/// <summary>One measured case of <see cref="EnvBenchmark"/>.</summary>
/// <param name="Case">What was measured.</param>
/// <param name="Steps">Environment steps in the timed run.</param>
/// <param name="Seconds">Wall time of the timed run (the best of the repeats).</param>
/// <param name="BytesPerStep">Managed bytes allocated per step on the stepping thread(s).</param>
/// <param name="CpuSeconds">CPU time of the stepping thread in the run with the least of it (the best of the repeats), or NaN
/// where the operating system does not report a thread's CPU time.</param>
public sealed record BenchResult(string Case, long Steps, double Seconds, double BytesPerStep, double CpuSeconds = double.NaN)
{
    /// <summary>Environment steps per second.</summary>
    public double StepsPerSecond => Steps / Seconds;

    /// <summary>Environment steps per CPU-second of the stepping thread: steadier than wall time on a loaded machine.</summary>
    public double StepsPerCpuSecond => Steps / CpuSeconds;
}

/// <summary>One timed run: steps, wall seconds, the stepping thread's CPU seconds and its allocated bytes.</summary>
/// <param name="Steps">Environment steps.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="CpuSeconds">The calling thread's CPU time (NaN where it cannot be read).</param>
/// <param name="Bytes">Managed bytes allocated on the calling thread.</param>
public readonly record struct BenchRun(long Steps, double Seconds, double CpuSeconds, long Bytes);

/// <summary>Wall time, the calling thread's CPU time and its allocated bytes between <see cref="Start"/> and <see cref="Stop"/>.</summary>
public readonly struct BenchClock
{
    private readonly long _bytes;
    private readonly double _cpu;
    private readonly long _ticks;

    private BenchClock(long bytes, double cpu, long ticks) => (_bytes, _cpu, _ticks) = (bytes, cpu, ticks);

    /// <summary>Starts measuring on the calling thread.</summary>
    public static BenchClock Start() => new(GC.GetAllocatedBytesForCurrentThread(), ThreadCpuSeconds(), Stopwatch.GetTimestamp());

    /// <summary>Stops measuring (on the thread that started) and returns the run.</summary>
    public BenchRun Stop(long steps)
    {
        double wall = Stopwatch.GetElapsedTime(_ticks).TotalSeconds;
        double cpu = ThreadCpuSeconds() - _cpu;
        return new BenchRun(steps, wall, cpu, GC.GetAllocatedBytesForCurrentThread() - _bytes);
    }

    /// <summary>The calling thread's CPU time in seconds (Linux: <c>CLOCK_THREAD_CPUTIME_ID</c>), NaN elsewhere.</summary>
    public static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        return ClockGetTime(3, out var ts) == 0 ? ts.Seconds + ts.Nanoseconds * 1e-9 : double.NaN;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}

/// <summary>The Python reference measured in the same run as <see cref="EnvBenchmark"/>.</summary>
/// <param name="What">What ran: Gymnasium's <c>gym.make("CartPole-v1")</c>, or the numpy transcription of its step.</param>
/// <param name="StepsPerSecond">Its steps per second (best of the repeats).</param>
public sealed record PythonReference(string What, double StepsPerSecond);

/// <summary>
/// Stepping throughput of CartPole-v1 and the other classic-control tasks through the public API (<c>Envs.Make</c>, so the
/// registry's TimeLimit wrapper is included), with random actions drawn in advance and a reset whenever an episode ends. Not a
/// test: speed is measured here and reported in the README, never asserted. Vector rows are also given as a ratio to the single
/// environment of the same run, and CartPole rows as a ratio to a Python reference measured in the same run when
/// <c>/usr/bin/python3</c> (with numpy) can run it: Gymnasium's <c>gym.make("CartPole-v1")</c> when gymnasium is installed, else
/// <see cref="PythonScript"/>'s numpy transcription of Gymnasium's <c>CartPoleEnv.step</c> and <c>reset</c> (no wrappers, so
/// faster than gym.make).
/// </summary>
public static class EnvBenchmark
{
    /// <summary>
    /// The Python reference: argv[1] steps, argv[2] repeats; prints what ran and the best steps per second. The numpy
    /// transcription follows gymnasium/envs/classic_control/cartpole.py (Euler integration, float32 observations).
    /// </summary>
    public const string PythonScript = """
        import math, sys, time
        import numpy as np
        steps, repeats = int(sys.argv[1]), int(sys.argv[2])
        try:
            import gymnasium as gym
            env = gym.make("CartPole-v1")
            what = "gymnasium %s gym.make(\"CartPole-v1\")" % gym.__version__
            reset, step = env.reset, env.step
        except ImportError:
            what = "numpy %s transcription of Gymnasium's CartPoleEnv.step (no wrappers; gymnasium is not installed)" % np.__version__
            g, mc, mp, l, fm, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
            tm, pml = mp + mc, mp * l
            th, xt = 12 * 2 * math.pi / 360, 2.4
            st = {"s": None, "t": 0}
            rng = np.random.default_rng(0)
            def reset(seed=None):
                st["s"] = rng.uniform(low=-0.05, high=0.05, size=(4,))
                st["t"] = 0
                return np.array(st["s"], dtype=np.float32), {}
            def step(action):
                x, x_dot, theta, theta_dot = st["s"]
                force = fm if action == 1 else -fm
                c, s = math.cos(theta), math.sin(theta)
                temp = (force + pml * np.square(theta_dot) * s) / tm
                thetaacc = (g * s - c * temp) / (l * (4.0 / 3.0 - mp * np.square(c) / tm))
                xacc = temp - pml * thetaacc * c / tm
                x, x_dot = x + tau * x_dot, x_dot + tau * xacc
                theta, theta_dot = theta + tau * theta_dot, theta_dot + tau * thetaacc
                st["s"] = np.array((x, x_dot, theta, theta_dot), dtype=np.float64)
                st["t"] += 1
                terminated = bool(x < -xt or x > xt or theta < -th or theta > th)
                return np.array(st["s"], dtype=np.float32), 1.0, terminated, st["t"] >= 500, {}
        actions = np.random.default_rng(0).integers(0, 2, size=4096).tolist()
        best = 0.0
        for r in range(repeats + 1):
            reset(seed=0)
            t0 = time.perf_counter()
            for i in range(steps):
                _, _, term, trunc, _ = step(actions[i & 4095])
                if term or trunc:
                    reset()
            rate = steps / (time.perf_counter() - t0)
            if r > 0:
                best = max(best, rate)
        print(what)
        print(best)
        """;

    /// <summary>
    /// The measured cases. Each takes the number of steps and returns (steps, seconds, allocated bytes); vector cases count
    /// steps per sub-environment.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, Func<long, BenchRun> Measure)> Cases =
    [
        ("CartPole-v1, 1 env, Step(action, into) (observation buffer reused)", n => SingleEnv("CartPole-v1", n, reuseBuffer: true, Discrete(2))),
        ("CartPole-v1, 1 env, Step(action) (new observation array per step)", n => SingleEnv("CartPole-v1", n, reuseBuffer: false, Discrete(2))),
        ("Pendulum-v1, 1 env, Step(action, into)", n => SingleEnv("Pendulum-v1", n, reuseBuffer: true, Box(2f))),
        ("MountainCar-v0, 1 env, Step(action, into)", n => SingleEnv("MountainCar-v0", n, reuseBuffer: true, Discrete(3))),
        ("MountainCarContinuous-v0, 1 env, Step(action, into)", n => SingleEnv("MountainCarContinuous-v0", n, reuseBuffer: true, Box(1f))),
        ("Acrobot-v1, 1 env, Step(action, into)", n => SingleEnv("Acrobot-v1", n, reuseBuffer: true, Discrete(3))),
        ("CartPole-v1, 8 envs stepped one after another (what a vector of 8 wraps)", n => ByHand(n, 8)),
        ("CartPole-v1, SyncVectorEnv of 8 (next-step autoreset)", n => Vector(n, 8)),
        ("CartPole-v1, 64 envs stepped one after another (what a vector of 64 wraps)", n => ByHand(n, 64)),
        ("CartPole-v1, SyncVectorEnv of 64 (next-step autoreset)", n => Vector(n, 64)),
    ];

    /// <summary>
    /// Runs every case whose name contains <paramref name="only"/> (null: all): a warm-up run (JIT tiering), then
    /// <paramref name="repeats"/> timed runs, keeping the fastest. A vector case and the case just before it (the
    /// environments it wraps, stepped by hand) are measured in alternating rounds, so that a change of the machine's load
    /// during the run falls on both sides of their ratio.
    /// </summary>
    public static List<BenchResult> Run(long steps, int repeats, Action<string>? progress = null, string? only = null)
    {
        var cases = Cases.Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        var results = new List<BenchResult>();
        for (int k = 0; k < cases.Count; k++)
        {
            bool paired = k + 1 < cases.Count && IsByHand(cases[k].Name) && IsVector(cases[k + 1].Name);
            var group = paired ? cases.GetRange(k, 2) : cases.GetRange(k, 1);
            foreach (var (name, measure) in group)
            {
                progress?.Invoke(name);
                measure(Math.Max(1000, steps / 4));
            }
            var best = group.Select(_ => new BenchRun(0, double.MaxValue, double.MaxValue, 0)).ToArray();
            var bestCpu = group.Select(_ => double.MaxValue).ToArray();
            for (int r = 0; r < repeats; r++)
            {
                for (int g = 0; g < group.Count; g++)
                {
                    var m = group[g].Measure(steps);
                    if (m.Seconds < best[g].Seconds) best[g] = m;
                    if (!(m.CpuSeconds >= bestCpu[g])) bestCpu[g] = m.CpuSeconds; // NaN where unreadable
                }
            }
            for (int g = 0; g < group.Count; g++)
                results.Add(new BenchResult(group[g].Name, best[g].Steps, best[g].Seconds, (double)best[g].Bytes / best[g].Steps, bestCpu[g]));
            k += group.Count - 1;
        }
        return results;
    }

    private static bool IsByHand(string name) => name.Contains("stepped one after another", StringComparison.Ordinal);

    private static bool IsVector(string name) => name.Contains("VectorEnv of", StringComparison.Ordinal);

    /// <summary>
    /// Runs <see cref="PythonScript"/> with <c>/usr/bin/python3</c> for <paramref name="steps"/> steps, or returns null with
    /// the reason in <paramref name="why"/> when it cannot run (no interpreter, no numpy).
    /// </summary>
    public static PythonReference? MeasurePython(long steps, int repeats, out string? why)
    {
        const string python = "/usr/bin/python3";
        why = null;
        if (!File.Exists(python))
        {
            why = $"{python} is missing";
            return null;
        }
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PythonScript.Replace("\r", "", StringComparison.Ordinal));
        psi.ArgumentList.Add(steps.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(repeats.ToString(CultureInfo.InvariantCulture));
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        if (p.ExitCode != 0 || lines.Length < 2 || !double.TryParse(lines[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
        {
            why = $"the Python reference failed (exit code {p.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}";
            return null;
        }
        return new PythonReference(lines[^2].Trim(), rate);
    }

    /// <summary>
    /// The results as a Markdown table: rows as a ratio to the first (single environment) row, vector rows as a ratio to the
    /// row above (the environments they wrap, stepped by hand) in wall time and in the stepping thread's CPU time, CartPole
    /// rows as a ratio to the Python reference when there is one (otherwise that row says why not).
    /// </summary>
    public static string ToMarkdown(IReadOnlyList<BenchResult> results, PythonReference? python, string? whyNoPython = null)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Ratio(double a, double b) => double.IsFinite(a / b) ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "-";
        var sb = new StringBuilder();
        sb.AppendLine("| Case | steps/s | steps per CPU-second | bytes allocated / step | vs 1 env | vs the envs it wraps (wall) | vs the envs it wraps (CPU) | vs Python |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        // The single-environment row (the first case) when it was measured; a filtered run (--only) may not have it.
        double single = results.Count > 0 && results[0].Case.StartsWith("CartPole-v1, 1 env,", StringComparison.Ordinal) ? results[0].StepsPerSecond : double.NaN;
        for (int index = 0; index < results.Count; index++)
        {
            var r = results[index];
            // The Python reference steps CartPole: only CartPole rows are compared with it.
            string vsPython = python is null || !r.Case.Contains("CartPole", StringComparison.Ordinal)
                ? "-" : string.Create(inv, $"{r.StepsPerSecond / python.StepsPerSecond:0}x");
            // A vector row against the row just above it: the same number of environments stepped one after another by hand.
            bool paired = IsVector(r.Case) && index > 0 && IsByHand(results[index - 1].Case);
            string vsWall = paired ? Ratio(r.StepsPerSecond, results[index - 1].StepsPerSecond) : "-";
            string vsCpu = paired ? Ratio(r.StepsPerCpuSecond, results[index - 1].StepsPerCpuSecond) : "-";
            string cpu = double.IsFinite(r.StepsPerCpuSecond) ? r.StepsPerCpuSecond.ToString("0.00e0", inv) : "-";
            sb.AppendLine(string.Create(inv, $"| {r.Case} | {r.StepsPerSecond:0.00e0} | {cpu} | {r.BytesPerStep:0.#} | {Ratio(r.StepsPerSecond, single)} | {vsWall} | {vsCpu} | {vsPython} |"));
        }
        sb.AppendLine(python is null
            ? $"| Python reference: not measured ({whyNoPython ?? "not run"}) | - | - | - | - | - | - | - |"
            : string.Create(inv, $"| Python reference, same run: {python.What} | {python.StepsPerSecond:0.00e0} | - | - | - | - | - | 1x |"));
        return sb.ToString();
    }

    private static BenchRun Vector(long steps, int numEnvs)
    {
        using var env = Envs.MakeVector<float[], int>("CartPole-v1", numEnvs);
        var rng = new Rng(0);
        var actions = new int[4096 + numEnvs];
        for (int i = 0; i < actions.Length; i++) actions[i] = rng.NextInt(2);
        env.Reset(seed: 0);
        long calls = Math.Max(1, steps / numEnvs);
        var clock = BenchClock.Start();
        for (long i = 0; i < calls; i++)
            env.Step(actions.AsSpan((int)(i & 4095), numEnvs));
        return clock.Stop(calls * numEnvs);
    }

    // The environments a vector of numEnvs wraps, stepped one after another with the same actions, each reset when its
    // episode ends: the baseline a vector step is measured against.
    private static BenchRun ByHand(long steps, int numEnvs)
    {
        var envs = new IEnv<float[], int>[numEnvs];
        try
        {
            var obs = new float[numEnvs][];
            for (int i = 0; i < numEnvs; i++)
            {
                envs[i] = Envs.Make<float[], int>("CartPole-v1");
                obs[i] = envs[i].Reset(seed: i).Observation;
            }
            var rng = new Rng(0);
            var actions = new int[4096 + numEnvs];
            for (int i = 0; i < actions.Length; i++) actions[i] = rng.NextInt(2);
            long calls = Math.Max(1, steps / numEnvs);
            var clock = BenchClock.Start();
            for (long c = 0; c < calls; c++)
            {
                int offset = (int)(c & 4095);
                for (int i = 0; i < numEnvs; i++)
                {
                    var r = envs[i].Step(actions[offset + i], obs[i]);
                    if (r.Terminated || r.Truncated) envs[i].Reset(into: obs[i]);
                }
            }
            return clock.Stop(calls * numEnvs);
        }
        finally
        {
            foreach (var e in envs) e?.Dispose();
        }
    }

    private static Func<Rng, int> Discrete(int n) => rng => rng.NextInt(n);

    // Actions drawn in advance as arrays of one element (the classic tasks' Box(1) actions), uniform in [-high, high].
    private static Func<Rng, float[]> Box(float high) => rng => [(float)rng.Uniform(-high, high)];

    private static BenchRun SingleEnv<TAct>(string id, long steps, bool reuseBuffer, Func<Rng, TAct> draw)
    {
        using var env = Envs.Make<float[], TAct>(id);
        var rng = new Rng(0);
        var actions = new TAct[4096];
        for (int i = 0; i < actions.Length; i++) actions[i] = draw(rng);
        float[] obs = env.Reset(seed: 0).Observation;
        float[]? into = reuseBuffer ? obs : null;

        var clock = BenchClock.Start();
        for (long i = 0; i < steps; i++)
        {
            var r = env.Step(actions[i & 4095], into);
            if (r.Terminated || r.Truncated) env.Reset(into: into);
        }
        return clock.Stop(steps);
    }
}
