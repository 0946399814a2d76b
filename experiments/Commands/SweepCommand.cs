using System.Globalization;
using System.CommandLine;
using System.Runtime.InteropServices;
using Rl.Agents;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Rl.Training.Sweeps;

namespace Rl.Experiments.Commands;

/// <summary><c>rl sweep</c>: hyperparameter search over a config (random search, successive halving, coarse to fine).</summary>
public static class SweepCommand
{
    /// <summary>Declares <c>rl sweep</c>: its argument, options, help and action.</summary>
    public static Command Create()
    {
        var config = Opt.Required("config.toml", "the base config (a file, or the name of a shipped one); its run.total_steps is a trial's full budget");
        var param = Opt.Many("--param", "KEY=DIST", "a hyperparameter and its distribution: loguniform(a,b), uniform(a,b), int(a,b) or " +
                                                    "choice(x,y,...); KEY as for --set (config.learning_rate)");
        var trials = Opt.IntOr("--trials", 9, "trials per stage", 1, 100_000);
        var seed = Opt.LongOr("--seed", 0, "the sweep's seed: every trial's values and training seed derive from it");
        var outDir = Opt.Text("--out", "DIR", "the sweep directory (default sweeps/<algo>-<env>-<time>); the same command with the same " +
                                              "--out continues an interrupted sweep (finished trials are not rerun)");
        var jobs = Opt.Int("--jobs", "trials trained at once (default 1; with --cluster: as many as the workers' threads take); results do not depend on it", 1, 100_000);
        var stages = Opt.IntOr("--stages", 1, "coarse-to-fine stages: stage k of K trains to the budget / eta^(K-k) and samples around " +
                                              "the best trials of the stage before (log space for loguniform)", 1, 10);
        var rungs = Opt.Text("--rungs", "R", "rungs of successive halving: a count (default 3: budget/eta^2, budget/eta, budget) or " +
                                             "increasing fractions of the budget ending at 1 (1/9,1/3,1 or 0.1,0.5,1); 1: no pruning");
        var eta = Opt.IntOr("--eta", 3, "the best 1/eta of the trials at a rung go on", 2, 100);
        var keep = Opt.Flag("--keep-checkpoints", "keep the config's run.keep_checkpoints (default: each trial keeps only its newest checkpoint)");
        var explode = Opt.Double("--explode-factor", "stop a trial whose loss exceeds F x its initial loss (default 3; 0: never)", 0, helpName: "F");
        var lossKey = Opt.Text("--loss-key", "KEY", "the loss watched (default: the first of loss/value, loss/q, loss/train, loss, loss/policy)");
        var sets = Opt.Set("override a key of the base config (as rl train --set)");
        var device = Opt.Device("torch device: auto (CUDA when available), cpu, cuda (run.device)");
        var allowEnv = Opt.Many("--allow-env", "MODULE:CLASS", "build the Python environment (module:Class, or a registry module) that the config file names");
        var cluster = ClusterArguments.CreateOptions("train the trials on worker silos (rl worker --cluster M), each trial segment whole on one worker, " +
            "in parallel: localhost, localhost:PORT (this process is the primary silo) or redis=HOST:PORT; same results as local");
        var workers = Opt.Int("--workers", "with --cluster: wait for N workers before the first trial (default 1)", 1, 100000);
        var maxRunMb = Opt.Int("--max-run-mb", "with --cluster: the largest trial run directory (MB) sent to or brought back from a worker (default 2048)", 1, 1 << 20);
        var command = new Command("sweep", "Search hyperparameters: random trials, the worse stopped early at rungs of the budget (successive halving)")
        {
            config, param, trials, seed, outDir, jobs, stages, rungs, eta, keep, explode, lossKey, sets, device, allowEnv, workers, maxRunMb, UserEnvironments.CreateOption(),
        };
        cluster.AddTo(command);
        command.Notes("""
            Results: DIR/results.csv and results.md (trials ranked best first), DIR/best.toml (rl train DIR/best.toml),
            DIR/score-vs-<key>.png; every trial is a run directory DIR/trial-000, ... (rl eval DIR/trial-000).
            Ctrl-C stops after the running trials write a checkpoint; run the same command again to continue.
            On the cluster (--cluster M): every trial segment trains whole on an rl worker, as many at once as the workers'
            threads take (a trial takes its run.threads, 1 when the config leaves it at 0); a worker lost mid-trial has the
            segment trained again elsewhere; rungs and resume work as locally (docs/experiments.md).
            """);
        return command.Runs(r =>
        {
            var o = new SweepOptions
            {
                Config = r.GetValue(config)!, Params = r.GetValue(param)!, Trials = r.GetValue(trials), Seed = r.GetValue(seed),
                OutDir = r.GetValue(outDir), Jobs = r.GetValue(jobs), Stages = r.GetValue(stages), Rungs = r.GetValue(rungs), Eta = r.GetValue(eta),
                KeepCheckpoints = r.GetValue(keep), ExplodeFactor = r.GetValue(explode) ?? 3, LossKey = r.GetValue(lossKey), Overrides = r.GetValue(sets)!,
                Device = r.GetValue(device), AllowEnv = r.GetValue(allowEnv)!,
            };
            var clusterArguments = ClusterArguments.Read(r, cluster, "rl sweep");
            if (clusterArguments is null)
            {
                if (r.GetValue(workers) is not null || r.GetValue(maxRunMb) is not null) throw new UsageException("rl sweep: --workers and --max-run-mb need --cluster");
                return Execute(o, Console.Out);
            }
            return TrainCommand.WithCluster(clusterArguments, r.GetValue(workers), c => Execute(o, Console.Out, c.Runs(r.GetValue(workers), r.GetValue(maxRunMb))));
        });
    }

    /// <summary>What <c>rl sweep</c> was asked to do.</summary>
    public sealed record SweepOptions
    {
        /// <summary>The base config: a file or a shipped config's name.</summary>
        public required string Config { get; init; }

        /// <summary>The <c>--param</c> items.</summary>
        public required IReadOnlyList<string> Params { get; init; }

        /// <summary>Trials per stage.</summary>
        public int Trials { get; init; } = 9;

        /// <summary>The sweep's seed.</summary>
        public long Seed { get; init; }

        /// <summary>The sweep directory (null: sweeps/&lt;algo&gt;-&lt;env&gt;-&lt;time&gt;).</summary>
        public string? OutDir { get; init; }

        /// <summary>Trials at once (null: 1, or with a cluster every trial of a rung).</summary>
        public int? Jobs { get; init; }

        /// <summary>Coarse-to-fine stages.</summary>
        public int Stages { get; init; } = 1;

        /// <summary>The rungs (<c>3</c>, or fractions <c>1/9,1/3,1</c>); null: 3 rungs.</summary>
        public string? Rungs { get; init; }

        /// <summary>The halving rate.</summary>
        public int Eta { get; init; } = 3;

        /// <summary>Keep the config's checkpoint count in every trial.</summary>
        public bool KeepCheckpoints { get; init; }

        /// <summary>The loss-explosion factor (0: off).</summary>
        public double ExplodeFactor { get; init; } = 3;

        /// <summary>The loss scalar watched (null: automatic).</summary>
        public string? LossKey { get; init; }

        /// <summary>The <c>--set</c> overrides of the base config.</summary>
        public IReadOnlyList<string> Overrides { get; init; } = [];

        /// <summary>The <c>--device</c> override.</summary>
        public string? Device { get; init; }

        /// <summary>Python environments a config file may name (<c>--allow-env</c>).</summary>
        public IReadOnlyList<string> AllowEnv { get; init; } = [];
    }

    /// <summary>Parses <c>--rungs</c>: a count of rungs (fractions eta^-(n-1) ... 1) or a list of fractions (<c>1/9,1/3,1</c>, <c>0.1,0.5,1</c>).</summary>
    /// <exception cref="UsageException">If it is neither.</exception>
    public static IReadOnlyList<double> ParseRungs(string? text, int eta)
    {
        if (text is null) return SuccessiveHalving.DefaultFractions(3, eta);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            if (count is < 1 or > 10) throw new UsageException($"rl sweep: --rungs {text}: a count of rungs must be 1 to 10");
            return SuccessiveHalving.DefaultFractions(count, eta);
        }
        var fractions = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ab = part.Split('/');
            bool ok = ab.Length is 1 or 2 && ab.All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            if (!ok) throw new UsageException($"rl sweep: --rungs '{text}': '{part}' is not a fraction (e.g. 1/9,1/3,1 or 0.1,0.5,1)");
            double v = double.Parse(ab[0], CultureInfo.InvariantCulture) / (ab.Length == 2 ? double.Parse(ab[1], CultureInfo.InvariantCulture) : 1);
            fractions.Add(v);
        }
        try
        {
            SuccessiveHalving.CheckFractions(fractions);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"rl sweep: --rungs '{text}': {e.Message}");
        }
        return fractions;
    }

    /// <summary>Runs a sweep with parsed options, printing progress and the results to <paramref name="w"/>; returns the exit code.</summary>
    /// <param name="o">The options.</param>
    /// <param name="w">Where progress and results go.</param>
    /// <param name="cluster">Trains the trials on the cluster's workers (<c>--cluster</c>); null: in this process.</param>
    public static int Execute(SweepOptions o, TextWriter w, Rl.Distributed.DistributedRuns? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        BuiltInAlgorithms.EnsureRegistered();
        SearchSpace space;
        try
        {
            space = SearchSpace.Parse(o.Params);
        }
        catch (FormatException e)
        {
            throw new UsageException("rl sweep: " + e.Message);
        }
        if (o.ExplodeFactor != 0 && !(o.ExplodeFactor > 1)) throw new UsageException($"rl sweep: --explode-factor {o.ExplodeFactor}: must be 0 (off) or above 1");
        var (text, source) = TrainCommand.LoadConfigText(o.Config, null);
        foreach (var p in space.Parameters.Where(p => p.Key is "seed" or "algo" or "env" || p.Key.StartsWith("run.total_steps", StringComparison.Ordinal)))
            throw new UsageException($"rl sweep: --param {p.Key}: the sweep sets the seed and the budget of its trials itself; choose a config.* or env_kwargs.* key");
        int jobs = o.Jobs ?? (cluster is null ? 1 : Math.Max(1, o.Trials));
        // On the cluster each trial takes one thread (unless run.threads says otherwise), so a worker trains as many at once as it has.
        int threads = cluster is null ? Math.Max(1, Environment.ProcessorCount / jobs) : 1;
        var runner = new ConfigTrialRunner(text, source, o.Overrides, o.Device, o.KeepCheckpoints, threads) { Space = space };
        ISweepTrialRunner trialRunner = cluster is null ? runner : new ClusterTrialRunner(runner, cluster);
        if (File.Exists(o.Config)) PythonEnvGuard.Check(runner.BaseConfig, o.Config, o.AllowEnv);
        var settings = new SweepSettings
        {
            Space = space, Trials = o.Trials, Seed = o.Seed, TotalSteps = runner.BaseConfig.Run.TotalSteps, Stages = o.Stages, Eta = o.Eta,
            Rungs = ParseRungs(o.Rungs, o.Eta), Jobs = jobs, ExplodeFactor = o.ExplodeFactor, LossKey = o.LossKey,
        };
        string dir = o.OutDir ?? DefaultDirectory(runner.BaseConfig);
        if (File.Exists(dir)) throw new UsageException($"rl sweep: --out '{dir}' is a file; give a directory");
        Sweep sweep;
        try
        {
            sweep = new Sweep(settings, trialRunner, dir, runner.Fingerprint, line =>
            {
                lock (w) w.WriteLine(line);
            });
        }
        catch (ArgumentException e)
        {
            throw new UsageException("rl sweep: " + e.Message);
        }
        var b = runner.BaseConfig;
        w.WriteLine((sweep.Resumed ? "resuming the sweep in " : "sweep directory: ") + sweep.Directory);
        w.WriteLine($"sweeping {b.Algo} on {b.Env}: {o.Trials} trials x {o.Stages} stage(s), budget {b.Run.TotalSteps:N0} steps, seed {o.Seed}, " +
                    (cluster is null ? $"{jobs} at once" : $"on the cluster's workers ({cluster.Membership}), up to {jobs} at once"));

        bool finished;
        try
        {
            using var interrupts = new Interrupts("the running trials finish their iteration and write a checkpoint");
            finished = sweep.Run(interrupts.Token);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(e.Message, e);
        }
        if (cluster is not null) w.WriteLine(cluster.StatusLine());
        string title = $"{b.Algo} on {b.Env}: sweep of {sweep.Trials.Count} trials (seed {o.Seed})";
        SweepReport.Write(sweep, title);
        if (!finished)
        {
            w.WriteLine($"interrupted; continue with the same command and --out {dir}");
            return 130;
        }
        w.WriteLine();
        w.Write(SweepReport.Text(sweep));
        var best = Sweep.Ranking(sweep.Trials).First();
        string bestFile = Path.Combine(sweep.Directory, "best.toml");
        WriteBest(runner, sweep, best, bestFile);
        w.WriteLine();
        w.WriteLine($"best: {best.Name} (score {best.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-"}): " +
                    string.Join(" ", best.Values.Select(p => $"{p.Key}={p.Value}")));
        foreach (var p in space.Parameters.Where(p => p.AtEdge(best.ParsedValues()[p.Key])))
            w.WriteLine($"note: the best {p.Key} lies at the edge of its range {p.Describe()}: widen the range and sweep again");
        w.WriteLine($"results: {Path.Combine(sweep.Directory, SweepReport.CsvFile)}, {SweepReport.MarkdownFile}, score-vs-*.png; train the best with: rl train {bestFile}");
        return 0;
    }

    private static void WriteBest(ConfigTrialRunner runner, Sweep sweep, TrialRecord best, string file)
    {
        var config = runner.Config(sweep.ToTrial(best), sweep.Settings.Space);
        string header = $"# The best configuration of the sweep in {sweep.Directory}: {best.Name} (stage {best.Stage + 1}, score " +
                        $"{best.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-"} at {best.EnvSteps:N0} steps), with the full budget and the trial's seed.\n" +
                        "# Train it with: rl train best.toml   (confirm it on fresh seeds: --seed N)\n";
        Rl.Training.RunFileSystem.Default.WriteAllTextAtomic(file, header + config.ToToml(withVersions: false));
    }

    private static string DefaultDirectory(ExperimentConfig config)
    {
        string Safe(string s) => string.Concat(s.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_'));
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string baseName = Path.Combine("sweeps", $"{Safe(config.Algo)}-{Safe(config.Env)}-{stamp}");
        string dir = baseName;
        for (int i = 2; Directory.Exists(dir); i++) dir = $"{baseName}-{i}";
        return dir;
    }
}
