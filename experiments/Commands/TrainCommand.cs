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
    /// <summary>Usage text.</summary>
    public const string Usage = """
        rl train <config.toml> | <algo> <env-id>  [--set key=value]... [--seed N] [--device auto|cpu|cuda]
                 [--out DIR] [--resume DIR] [--plain] [--record-video DIR [--video-every N]]
                 [--human [--human-fps N] [--human-turn-based] [--human-script FILE]]
                 [--cluster M [--workers N] [--advertise IP]]
          Train an algorithm; logs, checkpoints and plots go to runs/<algo>-<env>-<timestamp>/ (or --out DIR).
          <config.toml>     a config file, or the name of one shipped in experiments/configs/ (rl algos lists them)
          <algo> <env-id>   the shipped config for the pair when there is one, else the algorithm's defaults
          --set key=value   override a key: seed=3, run.total_steps=50000, config.step_size=0.02, env_kwargs.k=v
          --seed N          the master seed (default: the config's, else a random one, recorded in config.toml)
          --device D        torch device: auto (CUDA when available), cpu, cuda (run.device)
          --out DIR         the run directory
          --resume DIR      continue the run in DIR from its newest usable checkpoint (only --set run.* may change)
          --plain           plain progress lines even on a terminal (they are the default when output is redirected)
          --cluster M       run the rollouts of es/ars/cem/... on worker silos (rl worker --cluster M): localhost,
                            localhost:PORT (this learner is the primary silo) or redis=HOST:PORT; same results as local
          --workers N       with --cluster: wait for N workers before the first iteration (default 1)
          --advertise IP    with --cluster redis=...: the address workers reach this learner at (default: the first IPv4 one)
          --record-video DIR  after every N-th iteration (--video-every N, default 10) and at the end, play one evaluation
                            episode of the current policy (deterministic, its own environment and seed; training is
                            unaffected) and write it to DIR/<env>-iteration-<i>-episode-0.mp4 (GIF without ffmpeg)
          --human           imitation (dagger, bc): you are the expert. A window shows every state the agent visits and
                            your keys label it (the environment's key map, as in rl play; P pause, ESC stop). Needs a display.
          --human-fps N     labels per second (default: the render fps, at most 15; 0: as fast as possible, as rl play
                            --fps 0); --human-turn-based: wait for a key
                            at every state; --human-script FILE: keys from a script (rl play --help), for automation
          Ctrl-C writes a checkpoint and the learning curve, then exits (code 130); Ctrl-C twice aborts at once.
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl train");
        // Options first: a positional read before them could take an option's value.
        var overrides = a.Multi("--set");
        long? seed = a.Long("--seed");
        string? device = a.Option("--device");
        string? outDir = a.Option("--out");
        string? resume = a.Option("--resume");
        bool plain = a.Flag("--plain");
        string? clusterText = a.Option("--cluster");
        int? minWorkers = a.Int("--workers", 1, 100000);
        string? advertiseText = a.Option("--advertise");
        var (videoDir, videoEvery) = VideoRecording.Read(a, "rl train");
        bool human = a.Flag("--human");
        double? humanFps = a.Double("--human-fps");
        bool humanTurnBased = a.Flag("--human-turn-based");
        string? humanScript = a.Option("--human-script");
        string? first = a.Positional();
        string? second = a.Positional();
        a.EnsureAllConsumed();
        if (!human && (humanFps is not null || humanTurnBased || humanScript is not null))
            throw new UsageException("rl train: --human-fps, --human-turn-based and --human-script go with --human");
        if (human && resume is not null) throw new UsageException("rl train: --human starts a new run; it cannot be combined with --resume");
        using var labeller = human ? HumanLabeller.Create(humanFps, humanTurnBased, humanScript) : null;

        BuiltInAlgorithms.EnsureRegistered();
        if ((minWorkers is not null || advertiseText is not null) && clusterText is null)
            throw new UsageException("rl train: --workers and --advertise need --cluster");
        System.Net.IPAddress? advertise = null;
        if (advertiseText is not null && !System.Net.IPAddress.TryParse(advertiseText, out advertise))
            throw new UsageException($"rl train: --advertise {advertiseText} is not an IP address");
        ClusterRollouts? cluster = null;
        if (clusterText is not null)
        {
            Distributed.ClusterMembership membership;
            try
            {
                membership = Distributed.ClusterMembership.Parse(clusterText);
            }
            catch (FormatException e)
            {
                throw new UsageException("rl train: " + e.Message);
            }
            var options = new Distributed.DistributedRolloutOptions { MinWorkers = minWorkers ?? 1 };
            cluster = ClusterRollouts.StartAsync(membership, options, line => Console.Error.WriteLine(line), advertise).GetAwaiter().GetResult();
            Console.Out.WriteLine($"learner silo up ({membership}); rollouts run on the workers (rl worker --cluster {membership})");
        }
        try
        {
            return Train(first, second, overrides, seed, device, outDir, resume, plain, cluster, labeller, videoDir, videoEvery);
        }
        finally
        {
            cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static int Train(string? first, string? second, List<string> overrides, long? seed, string? device, string? outDir, string? resume, bool plain,
        ClusterRollouts? cluster, HumanLabeller? labeller, string? videoDir, int? videoEvery)
    {
        RolloutBackendFactory? rollouts = cluster is null ? null : cluster.Create;
        TrainingSession session;
        if (resume is not null)
        {
            if (first is not null || seed is not null || outDir is not null)
                throw new UsageException("rl train: --resume DIR continues a run as it was configured; give no config, --seed or --out with it");
            session = TrainingSession.Resume(resume, overrides, device, line => Console.Error.WriteLine(line), rollouts);
            if (cluster is not null && session.Config.Config is not Agents.GradientFree.GradientFreeConfig)
            {
                session.Dispose();
                ClusterRollouts.EnsureSupported(session.Config);
            }
            Console.Out.WriteLine($"resuming {session.RunDirectory} at iteration {session.Algorithm.Iteration}, step {session.Algorithm.EnvSteps:N0}");
        }
        else
        {
            if (first is null) throw new UsageException("rl train: missing <config.toml> or <algo> <env-id>");
            var (text, source) = LoadConfigText(first, second);
            var config = ExperimentConfig.Parse(text, source, overrides, seed, device);
            if (cluster is not null) ClusterRollouts.EnsureSupported(config);
            string dir = outDir ?? DefaultRunDirectory(config);
            session = TrainingSession.Create(config, dir, labeller is null ? null : labeller.ExpertFor, rollouts);
            labeller?.EnsureUsed(config.Algo);
            Console.Out.WriteLine($"run directory: {session.RunDirectory}");
        }

        using (session)
        {
            var c = session.Config;
            Console.Out.WriteLine($"training {c.Algo} on {c.Env}, seed {c.Seed}, budget {c.Run.TotalSteps:N0} steps" +
                                  (session.RewardThreshold is double t ? $", solved at mean return {t}" : ""));
            if (videoDir is not null) VideoRecording.EnsureFilmable(VideoRecording.Filmable(c), "rl train");
            Func<IProgressSink, IProgressSink> withVideos = videoDir is null
                ? sink => sink
                : sink => new TrainingVideoSink(sink, session, videoDir, videoEvery ?? 10);
            var outcome = RunWithInterrupts(session, plain, sink => withVideos(WithCluster(sink, session, cluster)));
            return Report(session, outcome);
        }
    }

    /// <summary>The config text and its name for messages, from a file, a shipped config, or an algorithm and environment pair.</summary>
    private static (string Text, string Source) LoadConfigText(string first, string? second)
    {
        if (second is not null)
        {
            if (ShippedConfigs.For(first, second) is { } shipped)
            {
                Console.Out.WriteLine($"using the shipped config configs/{shipped.Name}");
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
        using var stop = new CancellationTokenSource();
        void Interrupt(string what)
        {
            Console.Error.WriteLine($"{what}: finishing the current iteration, then writing a checkpoint (Ctrl-C again to abort)");
            stop.Cancel();
        }
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (stop.IsCancellationRequested) return; // second Ctrl-C: let the process end
            e.Cancel = true;
            Interrupt("interrupted");
        };
        Console.CancelKeyPress += onCancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            if (!stop.IsCancellationRequested) Interrupt("SIGTERM");
        });
        try
        {
            if (plain || !Interactive())
                return session.Run(decorate(new PlainProgress(Console.Out, session.Config.Run.ProgressSeconds)), stop.Token);
            TrainingOutcome? outcome = null;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(),
                    new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("starting", maxValue: session.Config.Run.TotalSteps);
                    outcome = session.Run(decorate(new LiveProgress(AnsiConsole.Console, task)), stop.Token);
                });
            return outcome!;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
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
