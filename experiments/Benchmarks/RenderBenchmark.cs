using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Core;
using Rl.Environments.Classic;
using Rl.Experiments.Cli;
using Rl.Rendering;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench render [--size N] [--envs N] [--seconds S] [--grayscale]</c>: pixel observations per second with the headless
/// renderer (Mesa llvmpipe on machines without GPU): one environment rendered one frame per draw, and a vector of
/// environments rendered together into one atlas per step (one upload, one draw, one readback). Not a test: it prints a
/// table and the renderer it ran on.
/// </summary>
public static class RenderBenchmark
{
    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var size = Opt.IntOr("--size", 64, "frame side in pixels", 8, 1024);
        var envs = Opt.IntOr("--envs", 256, "sub-environments of the vector", 1, 65536);
        var seconds = Opt.Double("--seconds", "seconds per measurement (default 3)", double.Epsilon);
        var grayscale = Opt.Flag("--grayscale", "grayscale frames");
        var command = new Command("render", "Pixel observations per second at 64x64 (single env, batched atlas for a vector)") { size, envs, seconds, grayscale };
        return command.Runs(r => Run(r.GetValue(size), r.GetValue(envs), r.GetValue(seconds) ?? 3.0, r.GetValue(grayscale)));
    }

    /// <summary>Runs the benchmark and prints a Markdown table.</summary>
    public static int Run(int size, int envCount, double seconds, bool grayscale)
    {
        if (!(seconds > 0)) throw new UsageException($"bench render: --seconds = {seconds} must be positive");

        var options = new PixelObservationOptions { Width = size, Height = size, Grayscale = grayscale };
        var renderer = HeadlessRenderer.ForCurrentThread;
        Console.Error.WriteLine($"renderer: {renderer.Description}");
        Console.WriteLine($"Pixel observations {size}x{size}x{options.Channels} ({renderer.Description}; LP_NUM_THREADS={Environment.GetEnvironmentVariable("LP_NUM_THREADS") ?? "default"}):");
        Console.WriteLine();

        var rows = new List<(string Case, (double Wall, double Cpu) FramesPerSecond)>
        {
            ("single env, PixelObservation.Step (one draw per frame)", SingleEnv(options, seconds)),
            ($"vector of {envCount} envs, step + batched atlas render", VectorEnvs(options, envCount, seconds, stepEnvs: true)),
            ($"batched atlas render only ({envCount} scenes per call)", VectorEnvs(options, envCount, seconds, stepEnvs: false)),
        };
        // Frames per CPU-second (all threads of the process, llvmpipe's included) stays meaningful on a shared, loaded
        // machine, where wall-clock rates only show the share of the cores this process got.
        Console.WriteLine("| case | frames/s | frames per CPU-second |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, (wall, cpu)) in rows)
            Console.WriteLine($"| {name} | {wall.ToString("N0", CultureInfo.InvariantCulture)} | {cpu.ToString("N0", CultureInfo.InvariantCulture)} |");
        Console.WriteLine();
        Console.WriteLine($"For scale: one frame per draw through EGL + llvmpipe measured 12-14k frames/s on this machine kind; target with batching: 50k frames/s on 2 cores. {Commands.BenchCommand.Machine()}");
        return 0;
    }

    private static (double Wall, double Cpu) Measure(double seconds, int framesPerCall, Action call)
    {
        long frames = 0;
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            call();
            frames += framesPerCall;
        }
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        return (frames / wall, frames / Math.Max(cpu, 1e-9));
    }

    private static (double Wall, double Cpu) SingleEnv(PixelObservationOptions options, double seconds)
    {
        using var env = new PixelObservation<float[], int>(new CartPoleEnv(), options);
        var rng = new Rng(0);
        var obs = new byte[env.ObservationSpace.Shape.Aggregate(1, (a, b) => a * b)];
        env.Reset(seed: 0, into: obs);
        for (int i = 0; i < 200; i++) Step(); // warm up (shader compilation, JIT)
        return Measure(seconds, 100, () =>
        {
            for (int i = 0; i < 100; i++) Step();
        });

        void Step()
        {
            if (env.Step(rng.NextInt(2), obs).Done) env.Reset(into: obs);
        }
    }

    private static (double Wall, double Cpu) VectorEnvs(PixelObservationOptions options, int count, double seconds, bool stepEnvs)
    {
        var envs = new CartPoleEnv[count];
        for (int i = 0; i < count; i++)
        {
            envs[i] = new CartPoleEnv();
            envs[i].Reset(seed: i);
        }
        var batch = new BatchPixelRenderer(envs, options);
        var pixels = new byte[count * batch.FrameBytes];
        var rng = new Rng(1);
        var stateObs = new float[4];
        for (int i = 0; i < 5; i++) Step();
        return Measure(seconds, count, Step);

        void Step()
        {
            if (stepEnvs)
                foreach (var env in envs)
                    if (env.Step(rng.NextInt(2), stateObs).Done) env.Reset(into: stateObs);
            batch.Render(pixels);
        }
    }
}
