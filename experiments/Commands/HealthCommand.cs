using System.CommandLine;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Rl.Training;
using Rl.Training.Health;

namespace Rl.Experiments.Commands;

/// <summary>What <c>rl health RUN</c> was asked.</summary>
/// <param name="RunDirectory">The run directory.</param>
/// <param name="Overrides"><c>run.health.*=value</c> thresholds that replace the run's own (then the report is rebuilt from <c>metrics.csv</c>).</param>
/// <param name="Json">Print <c>health.json</c>'s form instead of the summary.</param>
/// <param name="Markdown">Print <c>health.md</c>'s form instead of the summary.</param>
public sealed record HealthCommandOptions(string RunDirectory, IReadOnlyList<string> Overrides, bool Json = false, bool Markdown = false);

/// <summary>
/// <c>rl health RUN</c>: the training-health report of a past (or running) run. Without overrides it is the run's own
/// <c>health.json</c>; with <c>run.health.*</c> overrides, or when the run has none (it was killed), the report is rebuilt
/// from <c>metrics.csv</c> with the run's <c>config.toml</c> (budget, reward threshold, action space, thresholds). Nothing is
/// written to the run directory.
/// </summary>
public static class HealthCommand
{
    /// <summary>The <c>rl health</c> command: its argument, options and action.</summary>
    public static Command Create()
    {
        var runDir = Opt.Required("run-dir", "a run directory (rl train --out)");
        var sets = Opt.Set("replace a threshold of the run (run.health.KEY=VALUE; then the report is rebuilt from metrics.csv)");
        var json = Opt.Flag("--json", "print the report as health.json has it");
        var markdown = Opt.Flag("--markdown", "print the report as health.md has it");
        var command = new Command("health",
            "Show a run's training-health report (update/weight ratios, norms, dead units, entropy, value loss, evaluation gap); exit code 2 when a check fired")
        {
            runDir, sets, json, markdown,
        };
        return command.Runs(r =>
        {
            if (r.GetValue(json) && r.GetValue(markdown)) throw new UsageException("rl health: --json and --markdown exclude each other");
            return Run(new HealthCommandOptions(r.GetValue(runDir)!, r.GetValue(sets) ?? [], r.GetValue(json), r.GetValue(markdown)), Console.Out);
        });
    }

    /// <summary>Prints the report of <see cref="HealthCommandOptions.RunDirectory"/> to <paramref name="output"/>.</summary>
    /// <returns>0 when the run is healthy, 2 when a check fired.</returns>
    /// <exception cref="DirectoryNotFoundException">If the directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">If it holds neither a health report nor metrics.</exception>
    /// <exception cref="ConfigException">If an override is not a <c>run.health.*</c> key or is invalid.</exception>
    public static int Run(HealthCommandOptions options, TextWriter output)
    {
        string dir = options.RunDirectory;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"run directory '{dir}' does not exist");
        foreach (var o in options.Overrides.Where(o => !o.TrimStart().StartsWith("run.health.", StringComparison.Ordinal)))
            throw new ConfigException($"--set {o}: only run.health.* thresholds can be changed for a report");
        string json = Path.Combine(dir, HealthMonitor.JsonFile);
        var report = options.Overrides.Count == 0 && File.Exists(json) ? HealthReport.FromJson(File.ReadAllText(json)) : Rebuild(dir, options.Overrides);
        if (options.Json) output.Write(report.ToJson());
        else if (options.Markdown) output.Write(report.ToMarkdown());
        else
            foreach (var line in report.SummaryLines()) output.WriteLine(line);
        return report.Healthy ? 0 : 2;
    }

    /// <summary>The report rebuilt from the run's <c>metrics.csv</c> and <c>config.toml</c> with <paramref name="overrides"/> applied.</summary>
    public static HealthReport Rebuild(string runDirectory, IReadOnlyList<string> overrides)
    {
        string configFile = Path.Combine(runDirectory, RunFiles.Config);
        if (!File.Exists(configFile))
            return HealthMonitor.FromMetrics(runDirectory); // a library run without a config: default thresholds
        var config = ExperimentConfig.Parse(File.ReadAllText(configFile), configFile, overrides);
        Rl.Core.Spaces.Space? actions = null;
        try
        {
            using var env = config.MakeEnv();
            actions = env.ActionSpace;
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            // the environment cannot be made here (e.g. a Python one): entropy is then judged against its first value
        }
        return HealthMonitor.FromMetrics(runDirectory, config.Run.Health, config.Run.TotalSteps, config.RewardThreshold, actions);
    }
}
