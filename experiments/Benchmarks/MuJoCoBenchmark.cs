using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Rl.Core;
using Rl.Environments.MuJoCo;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench mujoco</c>: environment steps per second of the MuJoCo environments on one core, against raw <c>mj_step</c>
/// calls doing exactly the same simulation work in the same run, so the difference is the environment's own overhead (action
/// checks, costs, health checks, observation writing, info). Target: at most 20%. For Ant and Humanoid the simulation work
/// includes <c>mj_rnePostConstraint</c> after each environment step (the contact forces their rewards and observations use,
/// computed there as Gymnasium's <c>do_simulation</c> does), so the raw replay calls it too.
/// </summary>
/// <remarks>
/// For each environment a fixed sequence of random actions is played through the environment (resetting when an episode ends
/// or reaches 1000 steps) and, separately, replayed on a bare <see cref="MjData"/>: the same resets (the recorded noisy start
/// states, then <c>mj_forward</c>), the same controls and <c>frame_skip</c> <c>mj_step</c> calls per environment step. MuJoCo is
/// deterministic, so both runs visit the same states (the benchmark checks that the final states agree bit for bit) and do the same
/// contact work. Time is the benchmark thread's own CPU time (<c>CLOCK_THREAD_CPUTIME_ID</c>), so the rates are per core even on a
/// busy machine; each measurement is repeated and the fastest kept.
/// </remarks>
public static class MuJoCoBenchmark
{
    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var steps = Opt.IntOr("--steps", 40_000, "environment steps per measurement", 100, 100_000_000);
        var repeats = Opt.IntOr("--repeats", 3, "repeats (best kept)", 1, 100);
        var seed = Opt.IntOr("--seed", 0, "seed");
        var env = Opt.Many("--env", "ID", "only this environment (default: all the locomotion environments)");
        env.AcceptOnlyFromAmong([.. Environments.Keys]);
        var command = new Command("mujoco", "Locomotion env steps/s per core against raw mj_step in the same run") { steps, repeats, env, seed };
        return command.Runs(r => Run(r.GetValue(steps), r.GetValue(repeats), r.GetValue(seed), [.. r.GetValue(env)!]));
    }

    /// <summary>Runs the benchmark and prints a Markdown table.</summary>
    public static int Run(int steps, int repeats, int seed, List<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        string[] known = [.. Environments.Keys];
        if (ids.Count == 0) ids = [.. known];
        foreach (var id in ids)
            if (!known.Contains(id)) throw new UsageException($"bench mujoco: unknown environment '{id}'; choose from {string.Join(", ", known)}");

        Console.WriteLine($"MuJoCo {MuJoCoLibrary.Version} environments vs raw mj_step, one thread, {steps} env steps per run, best of {repeats} (seed {seed}); rates per second of thread CPU time.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.");
        Console.WriteLine();
        Console.WriteLine("| Env | frame skip | raw mj_step/s | raw steps/s (mj_step/s ÷ skip) | env steps/s (step_info=false) | overhead | bytes/step | env steps/s (default info) | overhead | bytes/step |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var id in ids)
        {
            var row = Measure(id, steps, repeats, seed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {row.FrameSkip} | {row.RawMjStepsPerSecond:N0} | {row.RawEnvStepsPerSecond:N0} | {row.LeanStepsPerSecond:N0} | " +
                $"{Overhead(row.RawEnvStepsPerSecond, row.LeanStepsPerSecond)} | {row.LeanBytesPerStep:0.#} | {row.InfoStepsPerSecond:N0} | " +
                $"{Overhead(row.RawEnvStepsPerSecond, row.InfoStepsPerSecond)} | {row.InfoBytesPerStep:0.#} |"));
        }
        Console.WriteLine();
        Console.WriteLine("overhead = raw steps/s ÷ env steps/s − 1 (time the environment adds per step). Target: ≤ 20%.");
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU seconds used by the calling thread: unlike wall time, not inflated when other processes share the cores.</summary>
    private static double ThreadCpuSeconds()
    {
        const int clockThreadCpuTimeId = 3;
        if (ClockGetTime(clockThreadCpuTimeId, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    private static string Overhead(double raw, double env) => string.Create(CultureInfo.InvariantCulture, $"{(raw / env - 1) * 100:0.0}%");


    private sealed record Row(int FrameSkip, double RawMjStepsPerSecond, double RawEnvStepsPerSecond, double LeanStepsPerSecond,
        double LeanBytesPerStep, double InfoStepsPerSecond, double InfoBytesPerStep);

    /// <summary>The work to replay: actions, and the start state of each episode with the step it begins at.</summary>
    private sealed record Script(float[][] Actions, List<(int Step, double[] Qpos, double[] Qvel)> Starts, double[] FinalQpos);

    /// <summary>Each environment: how to make it, its shipped model, and whether a step also computes contact forces.</summary>
    private static readonly Dictionary<string, (Func<LocomotionOptions, MuJoCoEnv> Make, string Model, bool ContactForces)> Environments = new()
    {
        [HopperEnv.Id] = (o => new HopperEnv(o), MuJoCoModels.Hopper, false),
        [Walker2dEnv.Id] = (o => new Walker2dEnv(o), MuJoCoModels.Walker2d, false),
        [HalfCheetahEnv.Id] = (o => new HalfCheetahEnv(o), MuJoCoModels.HalfCheetah, false),
        [SwimmerEnv.Id] = (o => new SwimmerEnv(o), MuJoCoModels.Swimmer, false),
        [InvertedPendulumEnv.Id] = (o => new InvertedPendulumEnv(o), MuJoCoModels.InvertedPendulum, false),
        [InvertedDoublePendulumEnv.Id] = (o => new InvertedDoublePendulumEnv(o), MuJoCoModels.InvertedDoublePendulum, false),
        [ReacherEnv.Id] = (o => new ReacherEnv(o), MuJoCoModels.Reacher, false),
        [PusherEnv.Id] = (o => new PusherEnv(o), MuJoCoModels.Pusher, false),
        [AntEnv.Id] = (o => new AntEnv(o), MuJoCoModels.Ant, true),
        [HumanoidEnv.Id] = (o => new HumanoidEnv(o), MuJoCoModels.Humanoid, true),
    };

    private static MuJoCoEnv Create(string id, bool stepInfo) => Environments[id].Make(new LocomotionOptions { StepInfo = stepInfo });

    private static int EpisodeCap(string id) => Rl.Environments.Envs.Registry.GetSpec(id).MaxEpisodeSteps ?? 1000;

    private static Row Measure(string id, int steps, int repeats, int seed)
    {
        using var probe = Create(id, stepInfo: false);
        var rng = new Rng(seed);
        var space = (Rl.Core.Spaces.Box<float>)probe.ActionSpace;
        var actions = new float[steps][];
        for (int i = 0; i < steps; i++)
        {
            actions[i] = new float[probe.Model.Nu];
            for (int j = 0; j < actions[i].Length; j++) actions[i][j] = (float)rng.Uniform(space.Low[j], space.High[j]);
        }
        int cap = EpisodeCap(id);
        var script = Record(probe, actions, seed, cap);

        double raw = double.MaxValue, lean = double.MaxValue, info = double.MaxValue;
        long leanBytes = 0, infoBytes = 0;
        for (int r = 0; r < repeats; r++)
        {
            raw = Math.Min(raw, Replay(id, probe.FrameSkip, script));
            using (var env = Create(id, stepInfo: false))
            {
                var (seconds, bytes) = RunEnv(env, script, seed, cap);
                (lean, leanBytes) = (Math.Min(lean, seconds), bytes);
            }
            using (var env = Create(id, stepInfo: true))
            {
                var (seconds, bytes) = RunEnv(env, script, seed, cap);
                (info, infoBytes) = (Math.Min(info, seconds), bytes);
            }
        }
        return new Row(probe.FrameSkip, (double)steps * probe.FrameSkip / raw, steps / raw, steps / lean, (double)leanBytes / steps,
            steps / info, (double)infoBytes / steps);
    }

    private static Script Record(MuJoCoEnv env, float[][] actions, int seed, int cap)
    {
        var starts = new List<(int, double[], double[])>();
        var obs = new double[env.ObservationSpace.Shape[0]];
        env.Reset(seed, into: obs);
        starts.Add((0, env.Data.Qpos.ToArray(), env.Data.Qvel.ToArray()));
        int length = 0;
        for (int i = 0; i < actions.Length; i++)
        {
            var r = env.Step(actions[i], obs);
            if ((r.Done || ++length == cap) && i + 1 < actions.Length)
            {
                env.Reset(into: obs);
                starts.Add((i + 1, env.Data.Qpos.ToArray(), env.Data.Qvel.ToArray()));
                length = 0;
            }
        }
        return new Script(actions, starts, env.Data.Qpos.ToArray());
    }

    private static (double Seconds, long Bytes) RunEnv(MuJoCoEnv env, Script script, int seed, int cap)
    {
        var obs = new double[env.ObservationSpace.Shape[0]];
        var actions = script.Actions;
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        double start = ThreadCpuSeconds();
        env.Reset(seed, into: obs);
        int length = 0;
        for (int i = 0; i < actions.Length; i++)
        {
            var r = env.Step(actions[i], obs);
            if ((r.Done || ++length == cap) && i + 1 < actions.Length)
            {
                env.Reset(into: obs);
                length = 0;
            }
        }
        double seconds = ThreadCpuSeconds() - start;
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        if (!env.Data.Qpos.SequenceEqual(script.FinalQpos))
            throw new InvalidOperationException($"bench mujoco: {env.Name} did not reproduce the recorded trajectory; the comparison would be unfair");
        return (seconds, bytes);
    }

    private static double Replay(string id, int frameSkip, Script script)
    {
        var (_, modelName, contactForces) = Environments[id];
        using var model = MuJoCoModels.Load(modelName);
        using var data = model.MakeData();
        var actions = script.Actions;
        int next = 0;
        double start = ThreadCpuSeconds();
        for (int i = 0; i < actions.Length; i++)
        {
            if (next < script.Starts.Count && script.Starts[next].Step == i)
            {
                data.Reset();
                script.Starts[next].Qpos.CopyTo(data.Qpos);
                script.Starts[next].Qvel.CopyTo(data.Qvel);
                data.Forward();
                next++;
            }
            var ctrl = data.Ctrl;
            var a = actions[i];
            for (int j = 0; j < ctrl.Length; j++) ctrl[j] = a[j];
            data.Step(frameSkip);
            if (contactForces) data.RnePostConstraint();
        }
        double seconds = ThreadCpuSeconds() - start;
        if (!data.Qpos.SequenceEqual(script.FinalQpos))
            throw new InvalidOperationException($"bench mujoco: the raw replay of {id} diverged from the environment's trajectory");
        return seconds;
    }
}
