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
public sealed record BenchResult(string Case, long Steps, double Seconds, double BytesPerStep)
{
    /// <summary>Environment steps per second.</summary>
    public double StepsPerSecond => Steps / Seconds;
}

/// <summary>
/// Stepping throughput of CartPole-v1 and the other classic-control tasks through the public API (<c>Envs.Make</c>, so the
/// registry's TimeLimit wrapper is included), with random actions drawn in advance and a reset whenever an episode ends. Not a test: speed is measured here
/// and reported in the README, never asserted.
/// </summary>
public static class EnvBenchmark
{
    /// <summary>Gymnasium's CartPole-v1 through gym.make on this machine kind, for scale (../shared/STACK_NOTES.md).</summary>
    public const double GymnasiumStepsPerSecond = 1e5;

    /// <summary>
    /// The measured cases. Each takes the number of steps and returns (steps, seconds, allocated bytes); vector cases count
    /// steps per sub-environment.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, Func<long, (long Steps, double Seconds, long Bytes)> Measure)> Cases =
    [
        ("CartPole-v1, 1 env, Step(action, into) (observation buffer reused)", n => SingleEnv("CartPole-v1", n, reuseBuffer: true, Discrete(2))),
        ("CartPole-v1, 1 env, Step(action) (new observation array per step)", n => SingleEnv("CartPole-v1", n, reuseBuffer: false, Discrete(2))),
        ("Pendulum-v1, 1 env, Step(action, into)", n => SingleEnv("Pendulum-v1", n, reuseBuffer: true, Box(2f))),
        ("MountainCar-v0, 1 env, Step(action, into)", n => SingleEnv("MountainCar-v0", n, reuseBuffer: true, Discrete(3))),
        ("MountainCarContinuous-v0, 1 env, Step(action, into)", n => SingleEnv("MountainCarContinuous-v0", n, reuseBuffer: true, Box(1f))),
        ("Acrobot-v1, 1 env, Step(action, into)", n => SingleEnv("Acrobot-v1", n, reuseBuffer: true, Discrete(3))),
        ("CartPole-v1, SyncVectorEnv of 8 (next-step autoreset)", n => Vector(n, 8)),
        ("CartPole-v1, SyncVectorEnv of 64 (next-step autoreset)", n => Vector(n, 64)),
    ];

    /// <summary>Runs every case: a warm-up run (JIT tiering), then <paramref name="repeats"/> timed runs, keeping the fastest.</summary>
    public static List<BenchResult> Run(long steps, int repeats, Action<string>? progress = null)
    {
        var results = new List<BenchResult>();
        foreach (var (name, measure) in Cases)
        {
            progress?.Invoke(name);
            measure(Math.Max(1000, steps / 4));
            (long Steps, double Seconds, long Bytes) best = (0, double.MaxValue, 0);
            for (int r = 0; r < repeats; r++)
            {
                var m = measure(steps);
                if (m.Seconds < best.Seconds) best = m;
            }
            results.Add(new BenchResult(name, best.Steps, best.Seconds, (double)best.Bytes / best.Steps));
        }
        return results;
    }

    /// <summary>The results as a Markdown table, with Gymnasium's figure beside them.</summary>
    public static string ToMarkdown(IReadOnlyList<BenchResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Case | steps/s | bytes allocated / step | vs Gymnasium |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var r in results)
            sb.AppendLine(string.Create(inv, $"| {r.Case} | {r.StepsPerSecond:0.00e0} | {r.BytesPerStep:0.#} | {r.StepsPerSecond / GymnasiumStepsPerSecond:0}x |"));
        sb.AppendLine(string.Create(inv, $"| Gymnasium CartPole-v1 via gym.make (Python, for scale) | ~{GymnasiumStepsPerSecond:0e0} | - | 1x |"));
        return sb.ToString();
    }

    private static (long, double, long) Vector(long steps, int numEnvs)
    {
        using var env = Envs.MakeVector<float[], int>("CartPole-v1", numEnvs);
        var rng = new Rng(0);
        var actions = new int[4096 + numEnvs];
        for (int i = 0; i < actions.Length; i++) actions[i] = rng.NextInt(2);
        env.Reset(seed: 0);
        long calls = Math.Max(1, steps / numEnvs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < calls; i++)
            env.Step(actions.AsSpan((int)(i & 4095), numEnvs));
        sw.Stop();
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return (calls * numEnvs, sw.Elapsed.TotalSeconds, bytes);
    }

    private static Func<Rng, int> Discrete(int n) => rng => rng.NextInt(n);

    // Actions drawn in advance as arrays of one element (the classic tasks' Box(1) actions), uniform in [-high, high].
    private static Func<Rng, float[]> Box(float high) => rng => [(float)rng.Uniform(-high, high)];

    private static (long, double, long) SingleEnv<TAct>(string id, long steps, bool reuseBuffer, Func<Rng, TAct> draw)
    {
        using var env = Envs.Make<float[], TAct>(id);
        var rng = new Rng(0);
        var actions = new TAct[4096];
        for (int i = 0; i < actions.Length; i++) actions[i] = draw(rng);
        float[] obs = env.Reset(seed: 0).Observation;
        float[]? into = reuseBuffer ? obs : null;

        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < steps; i++)
        {
            var r = env.Step(actions[i & 4095], into);
            if (r.Terminated || r.Truncated) env.Reset(into: into);
        }
        sw.Stop();
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return (steps, sw.Elapsed.TotalSeconds, bytes);
    }
}
