using System.Diagnostics;
using System.Globalization;

namespace Rl.Training.Experiments;

/// <summary>One seed of a group to train: its seed and run directory.</summary>
/// <param name="Seed">The master seed.</param>
/// <param name="Directory">Its run directory (<see cref="SeedGroup.SeedDirectory"/>).</param>
public sealed record SeedJob(long Seed, string Directory);

/// <summary>How one seed's training ended.</summary>
/// <param name="Seed">The master seed.</param>
/// <param name="Directory">Its run directory.</param>
/// <param name="ExitCode">0 success; otherwise the trainer's code (e.g. 130 interrupted, 1 error).</param>
/// <param name="Seconds">Wall time from its start to its end.</param>
public sealed record SeedOutcome(long Seed, string Directory, int ExitCode, double Seconds);

/// <summary>
/// Several seeds of one configuration, trained in parallel: <see cref="RunAsync"/> starts at most <c>jobs</c> seeds at a
/// time (each in its own run directory <c>GROUP/seed-N</c>), and <see cref="WriteSummary"/> writes the group's
/// <c>summary.json</c>, <c>summary.md</c> and <c>learning-curve.png</c>. A seed's result must not depend on the others or
/// on <c>jobs</c>: train each seed in its own process (<see cref="RunProcessAsync"/>) when the algorithm keeps
/// process-wide state (libtorch's default generator and thread pool), as the <c>rl train --seeds</c> command does.
/// </summary>
public static class SeedGroup
{
    /// <summary>The group's summary as JSON.</summary>
    public const string SummaryJson = "summary.json";

    /// <summary>The group's summary as Markdown.</summary>
    public const string SummaryMarkdown = "summary.md";

    /// <summary>The group's learning curve (IQM over seeds with its band).</summary>
    public const string PlotFile = "learning-curve.png";

    /// <summary>The folder of the seeds' console logs.</summary>
    public const string LogFolder = "logs";

    /// <summary>The run directory of <paramref name="seed"/> in <paramref name="groupDirectory"/>: <c>seed-N</c>.</summary>
    public static string SeedDirectory(string groupDirectory, long seed) =>
        Path.Combine(groupDirectory, "seed-" + seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>The default parallelism: one seed per core, at most the number of seeds.</summary>
    public static int DefaultJobs(int seeds) => Math.Max(1, Math.Min(seeds, Environment.ProcessorCount));

    /// <summary>
    /// Trains every seed with <paramref name="trainSeed"/>, at most <paramref name="jobs"/> at a time, in the order given.
    /// After a cancellation no further seed starts; the running ones get the token (to stop gracefully).
    /// </summary>
    /// <param name="groupDirectory">The group directory (created).</param>
    /// <param name="seeds">The seeds (distinct).</param>
    /// <param name="jobs">Seeds trained at once (at least 1).</param>
    /// <param name="trainSeed">Trains one seed into its directory; returns its exit code.</param>
    /// <param name="finished">Told about each seed as it ends (called under a lock, one at a time).</param>
    /// <param name="cancel">Stops starting seeds and is passed to the running ones.</param>
    /// <returns>The outcome of every seed that ran, in the order of <paramref name="seeds"/>.</returns>
    /// <exception cref="ArgumentException">If there are no seeds or a seed repeats.</exception>
    public static async Task<IReadOnlyList<SeedOutcome>> RunAsync(string groupDirectory, IReadOnlyList<long> seeds, int jobs,
        Func<SeedJob, CancellationToken, Task<int>> trainSeed, Action<SeedOutcome>? finished = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(groupDirectory);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(trainSeed);
        if (seeds.Count == 0) throw new ArgumentException("a seed group needs at least one seed", nameof(seeds));
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException("a seed appears twice in the group", nameof(seeds));
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        Directory.CreateDirectory(groupDirectory);
        var outcomes = new SeedOutcome?[seeds.Count];
        var gate = new Lock();
        using var slots = new SemaphoreSlim(jobs);
        var running = new List<Task>();
        for (int i = 0; i < seeds.Count; i++)
        {
            try
            {
                await slots.WaitAsync(cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            int index = i;
            var job = new SeedJob(seeds[i], SeedDirectory(groupDirectory, seeds[i]));
            running.Add(Task.Run(async () =>
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    int code = await trainSeed(job, cancel).ConfigureAwait(false);
                    var outcome = new SeedOutcome(job.Seed, job.Directory, code, clock.Elapsed.TotalSeconds);
                    lock (gate)
                    {
                        outcomes[index] = outcome;
                        finished?.Invoke(outcome);
                    }
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        return outcomes.Where(o => o is not null).Select(o => o!).ToList();
    }

    /// <summary>
    /// Runs one seed's training as a child process, its standard output and error appended to <paramref name="logFile"/>.
    /// On cancellation the child is asked to stop with <paramref name="stop"/> (e.g. a SIGTERM, after which a trainer writes
    /// a checkpoint) and waited for.
    /// </summary>
    /// <param name="start">The process (file name and arguments; redirection is set here).</param>
    /// <param name="logFile">Where its output goes.</param>
    /// <param name="stop">Asks the process to stop gracefully; null: kill it.</param>
    /// <param name="cancel">Triggers <paramref name="stop"/>.</param>
    /// <param name="kill">Ends the process (and its children) at once, even after a graceful stop was asked for.</param>
    /// <returns>Its exit code.</returns>
    public static async Task<int> RunProcessAsync(ProcessStartInfo start, string logFile, Action<Process>? stop, CancellationToken cancel, CancellationToken kill = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(logFile);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        await using var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var logGate = new Lock();
        void Write(string? line)
        {
            if (line is null) return;
            lock (logGate) log.WriteLine(line);
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start '{start.FileName}'");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool stopped = false;
        using (cancel.Register(() =>
               {
                   try
                   {
                       stopped = true;
                       if (stop is null) process.Kill(entireProcessTree: true);
                       else stop(process);
                   }
                   catch (InvalidOperationException)
                   {
                       // already exited
                   }
               }))
        using (kill.Register(() =>
               {
                   try
                   {
                       process.Kill(entireProcessTree: true);
                   }
                   catch (InvalidOperationException)
                   {
                       // already exited
                   }
               }))
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        process.WaitForExit(); // drains the redirected output
        // A process that the stop's SIGTERM ended before it had installed its own handler (it was still starting) exits as
        // killed by the signal (128 + 15): it was interrupted at our request, as one that handled the signal reports with 130.
        if (stopped && stop is not null && !OperatingSystem.IsWindows() && process.ExitCode == 128 + 15) return InterruptedExitCode;
        return process.ExitCode;
    }

    /// <summary>The exit code of a run that was interrupted (Ctrl-C or SIGTERM) and stopped gracefully.</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>
    /// Reads the group's runs and writes <c>summary.json</c>, <c>summary.md</c> and <c>learning-curve.png</c> into
    /// <paramref name="groupDirectory"/>.
    /// </summary>
    /// <param name="groupDirectory">The group directory.</param>
    /// <param name="title">The plot title and Markdown heading; null: the directory's name.</param>
    /// <param name="bootstrap">The bootstrap settings; null: rliable's defaults, seed 0.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="InvalidDataException">If the directory holds no run.</exception>
    public static GroupSummary WriteSummary(string groupDirectory, string? title = null, StratifiedBootstrap? bootstrap = null)
    {
        var group = RunGroup.Load(groupDirectory, title);
        var summary = GroupSummary.Compute(group, bootstrap);
        string dir = Path.GetFullPath(groupDirectory);
        WriteAtomic(Path.Combine(dir, SummaryJson), summary.ToJson());
        WriteAtomic(Path.Combine(dir, SummaryMarkdown), summary.ToMarkdown());
        string plotTitle = group.Algo is { } a && group.Env is { } e ? $"{a} on {e}: {group.Runs.Count} seeds" : group.Name;
        ExperimentPlots.WriteGroupCurve(Path.Combine(dir, PlotFile), group, plotTitle);
        return summary;
    }

    private static void WriteAtomic(string path, string text)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
