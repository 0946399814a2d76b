using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Rl.Agents;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Spectre.Console;

namespace Rl.Experiments.Commands;

/// <summary><c>rl train</c>: trains an algorithm on an environment from a config, with progress, logs and checkpoints.</summary>
public static class TrainCommand
{
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var config = Opt.Optional("config|algo", "a config file, the name of a shipped config (rl algos lists them), or an algorithm id " +
            "followed by <env-id>: the shipped config for the pair when there is one, else the algorithm's defaults");
        config.AlgoIds().CompletionSources.Add(_ => Completion.ConfigNames());
        var env = Opt.Optional("env-id", "the environment of the <algo> <env-id> form").EnvIds();
        var sets = Opt.Set("override a config key: seed=3, run.total_steps=50000, config.step_size=0.02, env_kwargs.k=v");
        var seed = Opt.Long("--seed", "the master seed (default: the config's, else a random one, recorded in config.toml)");
        var device = Opt.Device("torch device: auto (CUDA when available), cpu, cuda (run.device)");
        var outDir = Opt.Text("--out", "DIR", "the run directory (default runs/<algo>-<env>-<timestamp>/)");
        var resume = Opt.Text("--resume", "DIR", "continue the run in DIR from its newest usable checkpoint (only --set run.* may change)");
        var plain = Opt.Flag("--plain", "plain progress lines even on a terminal (they are the default when output is redirected)");
        var cluster = ClusterArguments.CreateOptions("run the rollouts of es/ars/cem/... on worker silos (rl worker --cluster M): localhost, " +
            "localhost:PORT (this learner is the primary silo) or redis=HOST:PORT; same results as local");
        var workers = Opt.Int("--workers", "with --cluster: wait for N workers before the first iteration (default 1)", 1, 100000);
        var allowEnv = Opt.Many("--allow-env", "MODULE:CLASS", "build the Python environment (module:Class, or a registry module) that a " +
            "config file names: that runs its code, so a file is not trusted to do it without this option");
        var (videoDir, videoEvery) = VideoRecording.Options(
            "after every N-th iteration (--video-every) and at the end, play one evaluation episode of the current policy " +
            "(deterministic, its own environment and seed; training is unaffected) and write it to DIR/<env>-iteration-<i>-episode-0.mp4 (GIF without ffmpeg)",
            "with --record-video: record after every N-th iteration (default 10)");
        var human = Opt.Flag("--human", "imitation (dagger, bc): you are the expert. A window shows every state the agent visits and your keys " +
            "label it (the environment's key map, as in rl play; P pause, ESC stop). Needs a display");
        var humanFps = Opt.Double("--human-fps", "with --human: labels per second (default: the render fps, at most 15; 0: as fast as possible)", 0);
        var humanTurnBased = Opt.Flag("--human-turn-based", "with --human: wait for a key at every state");
        var humanScript = Opt.Text("--human-script", "FILE", "with --human: keys from a script (rl play --help), for automation");
        var seeds = Opt.Text("--seeds", "LIST", "train one run per seed (0-4, 0,3,7, or both: 0-2,10), each in its own process and run " +
            "directory OUT/seed-N (same result as --seed N alone), then write OUT/summary.json, OUT/summary.md and OUT/learning-curve.png " +
            "(IQM over seeds with its 95% stratified bootstrap band). OUT: --out, else runs/<algo>-<env>-<time>-seeds; " +
            "continue a stopped group with rl train --resume OUT. With --cluster: every seed is trained whole on a worker (rl worker), " +
            "in parallel, and its run directory brought back (any algorithm)");
        var jobs = Opt.Int("--jobs", "with --seeds: seeds trained at once (default: one per core, at most the number of seeds; with --cluster: " +
            "as many as the workers' threads take); each seed gets cores/N threads unless run.threads is set (results do not depend on it)", 1, 4096);
        var maxRunMb = Opt.Int("--max-run-mb", "with --seeds --cluster: the largest run directory (MB) sent to or brought back from a worker (default 2048)", 1, 1 << 20);
        var explode = Opt.Double("--explode-factor", "stop the run when its loss exceeds F x its initial value (status stopped; what rl sweep does to its trials)", 0, helpName: "F");
        var lossKey = Opt.Text("--loss-key", "KEY", "with --explode-factor: the loss watched (default: the first of loss/value, loss/q, loss/train, loss, loss/policy)");
        var noConfigAssemblies = Opt.Flag("--no-config-assemblies", "load only the --env-assembly assemblies, never a config's env_assemblies, " +
            "and record only the config's own in the run (how rl worker trains a learner's runs)");
        var command = new Command("train", "Train an algorithm on an environment from a config, with progress, logs, checkpoints and plots")
        {
            config, env, sets, seed, device, outDir, resume, plain, workers, allowEnv, videoDir, videoEvery, human, humanFps, humanTurnBased,
            humanScript, seeds, jobs, maxRunMb, explode, lossKey, noConfigAssemblies, UserEnvironments.CreateOption(),
        };
        cluster.AddTo(command);
        command.Notes("""
            Forms: rl train <config.toml> | rl train <algo> <env-id> | rl train --resume DIR.
            Several seeds: rl train <config> --seeds 0-4 [--jobs N] --out GROUP; rl compare GROUP ... (docs/experiments.md).
            On the cluster: rl train <config> --seeds 0-4 --cluster M trains each seed whole on an rl worker (docs/distributed.md).
            Logs, checkpoints and plots go to runs/<algo>-<env>-<timestamp>/ (or --out DIR).
            Ctrl-C writes a checkpoint and the learning curve, then exits (code 130); Ctrl-C twice aborts at once.
            """);
        return command.Runs(r =>
        {
            if (r.GetValue(noConfigAssemblies))
            {
                UserEnvironments.ConfigMayLoad = false;
                // The --env-assembly environments stay registered, but the run's config.toml keeps the config's own list (a
                // learner's paths), not this machine's, so the run directory still works where the config came from.
                UserEnvironments.LoadFromCommandLine("train", []);
            }
            if (r.GetValue(explode) is { } f && f != 0 && !(f > 1)) throw new UsageException($"rl train: --explode-factor {f}: must be above 1 (or 0: off)");
            if (r.GetValue(lossKey) is not null && r.GetValue(explode) is null) throw new UsageException("rl train: --loss-key goes with --explode-factor");
            bool group = r.GetValue(seeds) is not null || r.GetValue(jobs) is not null || (r.GetValue(resume) is { } g && SeedGroupTraining.IsGroup(g));
            if (group && r.GetValue(explode) is not null) throw new UsageException("rl train: --explode-factor is for single runs (rl sweep stops its trials itself)");
            if (!group && r.GetValue(maxRunMb) is not null) throw new UsageException("rl train: --max-run-mb goes with --seeds and --cluster");
            return group
            ? TrainGroup(new SeedGroupOptions
            {
                Config = r.GetValue(config), Env = r.GetValue(env), Overrides = r.GetValue(sets)!, Device = r.GetValue(device), AllowEnv = r.GetValue(allowEnv)!,
                Seeds = ParseSeeds(r.GetValue(seeds)), Jobs = r.GetValue(jobs), OutDir = r.GetValue(outDir), Resume = r.GetValue(resume),
            }, r.GetValue(seeds) is not null, r.GetValue(seed) is not null, r.GetValue(human) || r.GetValue(videoDir) is not null,
                ClusterArguments.Read(r, cluster, "rl train"), r.GetValue(workers), r.GetValue(maxRunMb))
            : Run(new TrainOptions
        {
            Config = r.GetValue(config), Env = r.GetValue(env), Overrides = r.GetValue(sets)!, Seed = r.GetValue(seed), Device = r.GetValue(device),
            OutDir = r.GetValue(outDir), Resume = r.GetValue(resume), Plain = r.GetValue(plain), AllowEnv = r.GetValue(allowEnv)!,
            ExplodeFactor = r.GetValue(explode) ?? 0, LossKey = r.GetValue(lossKey),
        }, ClusterArguments.Read(r, cluster, "rl train"), r.GetValue(workers), VideoRecording.Read(r, videoDir, videoEvery, "rl train"),
            (r.GetValue(human), r.GetValue(humanFps), r.GetValue(humanTurnBased), r.GetValue(humanScript)));
        });
    }

    /// <summary>
    /// Runs <c>rl train</c>: checks the options that go together, starts the learner's silo (<paramref name="clusterArguments"/>)
    /// and the person labelling (<c>--human</c>), then trains (<see cref="Train"/>).
    /// </summary>
    public static int Run(TrainOptions options, ClusterArguments? clusterArguments, int? minWorkers, (string? Directory, int? Every) video,
        (bool On, double? Fps, bool TurnBased, string? Script) humanOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (human, humanFps, humanTurnBased, humanScript) = humanOptions;
        string? outDir = options.OutDir, resume = options.Resume;
        if (!human && (humanFps is not null || humanTurnBased || humanScript is not null))
            throw new UsageException("rl train: --human-fps, --human-turn-based and --human-script go with --human");
        if (human && resume is not null) throw new UsageException("rl train: --human starts a new run; it cannot be combined with --resume");
        if (outDir is not null && File.Exists(outDir))
            throw new UsageException($"rl train: --out '{outDir}' is an existing file, not a directory; give a directory path (new, or a run to resume with --resume)");
        if (resume is not null && File.Exists(resume))
            throw new UsageException($"rl train: --resume '{resume}' is a file; give the run directory that holds checkpoints/");
        using var labeller = human ? HumanLabeller.Create(humanFps, humanTurnBased, humanScript) : null;

        BuiltInAlgorithms.EnsureRegistered();
        if (minWorkers is not null && clusterArguments is null)
            throw new UsageException("rl train: --workers needs --cluster");
        var local = options with { Labeller = labeller, VideoDir = video.Directory, VideoEvery = video.Every };
        if (clusterArguments is null) return Train(local);
        return WithCluster(clusterArguments, minWorkers, cluster => Train(local with { Cluster = cluster }));
    }

    /// <summary>
    /// Runs <c>rl train --seeds</c> (or <c>--resume GROUP</c>): checks the options that go with a seed group, then trains it
    /// (<see cref="SeedGroupTraining.Run"/>), on the cluster when <paramref name="clusterArguments"/> is given.
    /// </summary>
    /// <param name="o">The group's options.</param>
    /// <param name="seedsGiven">Whether <c>--seeds</c> was given (else <c>--jobs</c> or <c>--resume GROUP</c> led here).</param>
    /// <param name="seedGiven">Whether <c>--seed</c> was given (it excludes <c>--seeds</c>).</param>
    /// <param name="singleRunOnly">Whether <c>--human</c> or <c>--record-video</c> was given (single runs only).</param>
    /// <param name="clusterArguments">The cluster (<c>--cluster</c>), if any.</param>
    /// <param name="minWorkers">The <c>--workers</c> option.</param>
    /// <param name="maxRunMb">The <c>--max-run-mb</c> option (with <c>--cluster</c>).</param>
    public static int TrainGroup(SeedGroupOptions o, bool seedsGiven, bool seedGiven, bool singleRunOnly, ClusterArguments? clusterArguments, int? minWorkers,
        int? maxRunMb = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (!seedsGiven && o.Resume is null) throw new UsageException("rl train: --jobs goes with --seeds");
        if (seedGiven) throw new UsageException("rl train: --seed and --seeds exclude each other (the seeds of a group are --seeds LIST)");
        if (singleRunOnly) throw new UsageException("rl train: --human and --record-video are for single runs, not --seeds");
        if (clusterArguments is null)
        {
            if (minWorkers is not null) throw new UsageException("rl train: --workers needs --cluster");
            if (maxRunMb is not null) throw new UsageException("rl train: --max-run-mb needs --cluster");
            return SeedGroupTraining.Run(o);
        }
        return WithCluster(clusterArguments, minWorkers, cluster => SeedGroupTraining.Run(o, cluster: cluster.Runs(minWorkers, maxRunMb)));
    }

    private static IReadOnlyList<long> ParseSeeds(string? text)
    {
        try
        {
            return text is null ? [] : Rl.Training.Experiments.SeedList.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"rl train: --seeds: {e.Message}");
        }
    }

    /// <summary>Starts this learner's silo in the cluster, runs <paramref name="train"/> with it, and shuts the silo down.</summary>
    internal static int WithCluster(ClusterArguments clusterArguments, int? minWorkers, Func<ClusterRollouts, int> train)
    {
        var membership = clusterArguments.Membership;
        using var credential = clusterArguments.Credential("rl train");
        var rolloutOptions = new Distributed.DistributedRolloutOptions { MinWorkers = minWorkers ?? 1 };
        var cluster = ClusterRollouts.StartAsync(membership, credential, rolloutOptions, line => Console.Error.WriteLine(line), clusterArguments.Advertise).GetAwaiter().GetResult();
        try
        {
            Console.Out.WriteLine($"learner silo up ({membership}, credential {credential.Fingerprint}); the work runs on the workers (rl worker --cluster {membership})");
            return train(cluster);
        }
        finally
        {
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>What <c>rl train</c> was asked to do, as parsed from its command line.</summary>
    public sealed record TrainOptions
    {
        /// <summary>A config file or shipped config name, or the algorithm id when <see cref="Env"/> is given; null with <see cref="Resume"/>.</summary>
        public string? Config { get; init; }

        /// <summary>The environment id of the <c>&lt;algo&gt; &lt;env-id&gt;</c> form.</summary>
        public string? Env { get; init; }

        /// <summary>The <c>--set key=value</c> overrides.</summary>
        public IReadOnlyList<string> Overrides { get; init; } = [];

        /// <summary>The <c>--seed</c> override.</summary>
        public long? Seed { get; init; }

        /// <summary>The <c>--device</c> override.</summary>
        public string? Device { get; init; }

        /// <summary>The run directory of a new run (<c>--out</c>); null: runs/&lt;algo&gt;-&lt;env&gt;-&lt;time&gt;.</summary>
        public string? OutDir { get; init; }

        /// <summary>The run directory to continue (<c>--resume</c>).</summary>
        public string? Resume { get; init; }

        /// <summary>Plain progress lines even on a terminal.</summary>
        public bool Plain { get; init; }

        /// <summary>The cluster the rollouts run on, if any.</summary>
        public ClusterRollouts? Cluster { get; init; }

        /// <summary>The person labelling for imitation algorithms (<c>--human</c>), if any.</summary>
        public HumanLabeller? Labeller { get; init; }

        /// <summary>Where training videos go (<c>--record-video</c>), if anywhere.</summary>
        public string? VideoDir { get; init; }

        /// <summary>Record a video every this many iterations (<c>--video-every</c>).</summary>
        public int? VideoEvery { get; init; }

        /// <summary>Python environments (<c>module:Class</c> or registry modules) a config file may name (<c>--allow-env</c>).</summary>
        public IReadOnlyList<string> AllowEnv { get; init; } = [];

        /// <summary>Stop when the loss exceeds this multiple of its initial value (<c>--explode-factor</c>; 0: never).</summary>
        public double ExplodeFactor { get; init; }

        /// <summary>The loss the explosion stop watches (<c>--loss-key</c>; null: the default keys).</summary>
        public string? LossKey { get; init; }
    }

    /// <summary>Runs <c>rl train</c> with parsed options: a new or resumed session, progress, interruption handling and the report.</summary>
    public static int Train(TrainOptions o)
    {
        RolloutBackendFactory? rollouts = o.Cluster is null ? null : o.Cluster.Create;
        TrainingSession session;
        if (o.Resume is not null)
        {
            if (o.Config is not null || o.Seed is not null || o.OutDir is not null)
                throw new UsageException("rl train: --resume DIR continues a run as it was configured; give no config, --seed or --out with it");
            string resumeConfig = Path.Combine(o.Resume, "config.toml");
            if (File.Exists(resumeConfig))
                PythonEnvGuard.Check(ExperimentConfig.Parse(File.ReadAllText(resumeConfig), resumeConfig), resumeConfig, o.AllowEnv);
            session = TrainingSession.Resume(o.Resume, o.Overrides, o.Device, line => Console.Error.WriteLine(line), rollouts);
            if (o.Cluster is not null && session.Config.Config is not Agents.GradientFree.GradientFreeConfig)
            {
                session.Dispose();
                ClusterRollouts.EnsureSupported(session.Config);
            }
            Console.Out.WriteLine(session.Restarted
                ? $"restarting {session.RunDirectory} from the beginning"
                : $"resuming {session.RunDirectory} at iteration {session.Algorithm.Iteration}, step {session.Algorithm.EnvSteps:N0}");
        }
        else
        {
            if (o.Config is null) throw new UsageException("rl train: missing <config.toml> or <algo> <env-id>");
            var (text, source) = LoadConfigText(o.Config, o.Env);
            var config = ExperimentConfig.Parse(text, source, o.Overrides, o.Seed, o.Device);
            if (o.Env is null && File.Exists(o.Config) && !o.Overrides.Any(x => x.StartsWith("env=", StringComparison.Ordinal)))
                PythonEnvGuard.Check(config, o.Config, o.AllowEnv);
            if (o.Cluster is not null) ClusterRollouts.EnsureSupported(config);
            string dir = o.OutDir ?? DefaultRunDirectory(config);
            session = TrainingSession.Create(config, dir, o.Labeller is null ? null : o.Labeller.ExpertFor, rollouts);
            o.Labeller?.EnsureUsed(config.Algo);
            Console.Out.WriteLine($"run directory: {session.RunDirectory}");
        }

        using (session)
        {
            if (o.ExplodeFactor > 0) session.Trainer.Callbacks.Add(new Rl.Training.Sweeps.LossExplosionStop(o.ExplodeFactor, o.LossKey));
            var c = session.Config;
            Console.Out.WriteLine($"training {c.Algo} on {c.Env}, seed {c.Seed}, budget {c.Run.TotalSteps:N0} steps" +
                                  (session.RewardThreshold is double t ? $", solved at mean return {t}" : ""));
            if (session.Data is { } data) Console.Out.WriteLine($"data: {data.Labels} labelled states loaded from {data.Summary}");
            if (o.VideoDir is not null) VideoRecording.EnsureFilmable(VideoRecording.Filmable(c), "rl train");
            Func<IProgressSink, IProgressSink> withVideos = o.VideoDir is null
                ? sink => sink
                : sink => new TrainingVideoSink(sink, session, o.VideoDir, o.VideoEvery ?? 10);
            var outcome = RunWithInterrupts(session, o.Plain, sink => withVideos(WithCluster(sink, session, o.Cluster)));
            return Report(session, outcome);
        }
    }

    /// <summary>The config text and its name for messages, from a file, a shipped config, or an algorithm and environment pair.</summary>
    internal static (string Text, string Source) LoadConfigText(string first, string? second, bool quiet = false)
    {
        if (second is not null)
        {
            if (ShippedConfigs.For(first, second) is { } shipped)
            {
                if (!quiet) Console.Out.WriteLine($"using the shipped config configs/{shipped.Name}");
                return (shipped.Text, "configs/" + shipped.Name);
            }
            return ($"algo = {TomlText.Value(first)}\nenv = {TomlText.Value(second)}\n", $"defaults of {first} on {second}");
        }
        if (File.Exists(first)) return (TomlText.ReadFile(first), first);
        if (ShippedConfigs.Find(first) is { } named) return (named.Text, "configs/" + named.Name);
        if (first.EndsWith(".toml", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"rl train: config file '{first}' not found (shipped configs: {string.Join(", ", ShippedConfigs.All().Select(x => x.Name).DefaultIfEmpty("none"))})");
        throw new UsageException($"rl train: '{first}' is neither a config file nor followed by an environment id (rl train <algo> <env-id>)");
    }

    /// <summary><c>runs/&lt;algo&gt;-&lt;env&gt;-&lt;yyyyMMdd-HHmmss&gt;</c>, with a suffix when that exists.</summary>
    public static string DefaultRunDirectory(ExperimentConfig config)
    {
        string Safe(string s) => string.Concat(s.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_'));
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string baseName = Path.Combine("runs", $"{Safe(config.Algo)}-{Safe(config.Env)}-{stamp}");
        string dir = baseName;
        for (int i = 2; Directory.Exists(dir); i++) dir = $"{baseName}-{i}";
        return dir;
    }

    /// <summary>
    /// Runs the session with Ctrl-C and SIGTERM turned into a graceful stop (finish the iteration, checkpoint, plot); a
    /// second Ctrl-C ends the process at once.
    /// </summary>
    private static TrainingOutcome RunWithInterrupts(TrainingSession session, bool plain, Func<IProgressSink, IProgressSink> decorate)
    {
        using var interrupts = new Interrupts("finishing the current iteration, then writing a checkpoint");
        if (plain || !Interactive())
            return session.Run(decorate(new PlainProgress(Console.Out, session.Config.Run.ProgressSeconds)), interrupts.Token);
        TrainingOutcome? outcome = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(),
                new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: session.Config.Run.TotalSteps);
                outcome = session.Run(decorate(new LiveProgress(AnsiConsole.Console, task)), interrupts.Token);
            });
        return outcome!;
    }

    private static IProgressSink WithCluster(IProgressSink progress, TrainingSession session, ClusterRollouts? cluster) =>
        cluster is null ? progress : new ClusterProgress(progress, cluster, session.Config.Run.ProgressSeconds);

    /// <summary>Whether to draw a live progress bar: standard output is a terminal that can redraw.</summary>
    public static bool Interactive() =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb")
        && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    private static int Report(TrainingSession session, TrainingOutcome o)
    {
        var w = Console.Out;
        string how = o.Status switch
        {
            TrainingStatus.Solved => "solved",
            TrainingStatus.BudgetReached => "step budget reached",
            TrainingStatus.IterationLimit => "iteration limit reached",
            TrainingStatus.Interrupted => "interrupted",
            TrainingStatus.WallTimeLimit => "wall-time limit reached",
            TrainingStatus.Stopped => "stopped by a stop condition",
            _ => "stopped: not finite",
        };
        w.WriteLine($"{how} after {o.Iteration} iterations, {o.EnvSteps:N0} steps, {o.Episodes:N0} episodes, {o.WallSeconds:0.0} s");
        if (o.FinalEval is { } e)
            w.WriteLine($"final evaluation: mean return {e.MeanReturn:0.00} ± {e.StdReturn:0.00} over {e.Episodes} episodes, mean length {e.MeanLength:0.0}" +
                        (e.Solved is bool s ? (s ? $" (threshold {e.RewardThreshold} reached)" : $" (threshold {e.RewardThreshold} not reached)") : ""));
        w.WriteLine($"logs: {session.RunDirectory} (metrics.csv, tensorboard/, {TrainingSession.PlotFile})");
        switch (o.Status)
        {
            case TrainingStatus.Interrupted:
                w.WriteLine($"continue with: rl train --resume {session.RunDirectory}");
                return 130;
            case TrainingStatus.Diverged:
                Console.Error.WriteLine($"rl train: {o.Problem}");
                return 1;
            default:
                w.WriteLine($"evaluate with: rl eval {session.RunDirectory}");
                return 0;
        }
    }
}
