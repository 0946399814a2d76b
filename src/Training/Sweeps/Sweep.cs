using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rl.Core;

namespace Rl.Training.Sweeps;

/// <summary>The settings of a hyperparameter sweep (<c>rl sweep</c>).</summary>
public sealed record SweepSettings
{
    /// <summary>The hyperparameters and their distributions.</summary>
    public required SearchSpace Space { get; init; }

    /// <summary>Trials per stage.</summary>
    public int Trials { get; init; } = 9;

    /// <summary>The sweep's seed: every trial's configuration and training seed derive from it.</summary>
    public long Seed { get; init; }

    /// <summary>The full training budget of a trial of the last stage, in environment steps.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>
    /// Coarse-to-fine stages: stage s (0-based) of S trains its trials to at most TotalSteps / eta^(S-1-s) steps, and every
    /// stage after the first samples from ranges narrowed around the best trials of the one before.
    /// </summary>
    public int Stages { get; init; } = 1;

    /// <summary>The halving rate: at each rung the best 1/eta of the trials go on.</summary>
    public int Eta { get; init; } = 3;

    /// <summary>The rungs as fractions of a stage's budget (increasing, the last 1; default 1/9, 1/3, 1 for eta 3).</summary>
    public IReadOnlyList<double>? Rungs { get; init; }

    /// <summary>Trials run at once on this machine (results do not depend on it).</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Stop a trial when its loss exceeds this multiple of its initial loss (0: never).</summary>
    public double ExplodeFactor { get; init; } = 3;

    /// <summary>The loss scalar watched (null: the first of <see cref="LossExplosionStop.DefaultKeys"/> the algorithm logs).</summary>
    public string? LossKey { get; init; }

    /// <summary>The rung fractions in force.</summary>
    public IReadOnlyList<double> RungFractions => Rungs ?? SuccessiveHalving.DefaultFractions(3, Eta);

    /// <summary>The budget of stage <paramref name="stage"/>.</summary>
    public long StageBudget(int stage) => Math.Max(1, (long)Math.Round(TotalSteps / Math.Pow(Eta, Stages - 1 - stage)));

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each setting out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Trials < 1) problems.Add($"trials = {Trials}: must be at least 1");
        if (TotalSteps < 1) problems.Add($"total steps = {TotalSteps}: must be at least 1");
        if (Stages < 1) problems.Add($"stages = {Stages}: must be at least 1");
        if (Eta < 2) problems.Add($"eta = {Eta}: must be at least 2");
        if (Jobs < 1) problems.Add($"jobs = {Jobs}: must be at least 1");
        if (!(ExplodeFactor == 0 || ExplodeFactor > 1) || !double.IsFinite(ExplodeFactor)) problems.Add($"explode factor = {ExplodeFactor}: must be 0 (off) or above 1");
        try
        {
            SuccessiveHalving.CheckFractions(RungFractions);
        }
        catch (ArgumentException e)
        {
            problems.Add($"rungs: {e.Message}");
        }
        if (problems.Count > 0) throw new ArgumentException("sweep settings rejected: " + string.Join("; ", problems));
    }

    /// <summary>What identifies the sweep for resuming (its search space, sizes, seed and schedule).</summary>
    public string Fingerprint() => string.Join("\n",
    [
        .. Space.Describe(), $"trials={Trials}", $"seed={Seed}", $"total_steps={TotalSteps}", $"stages={Stages}", $"eta={Eta}",
        "rungs=" + string.Join(",", RungFractions.Select(f => f.ToString("R", CultureInfo.InvariantCulture))),
        $"explode={ExplodeFactor.ToString("R", CultureInfo.InvariantCulture)}", $"loss_key={LossKey}",
    ]);
}

/// <summary>One trial: its place in the sweep, its training seed and its hyperparameter values.</summary>
/// <param name="Index">The trial's number over all stages (0-based).</param>
/// <param name="Stage">Its coarse-to-fine stage.</param>
/// <param name="Seed">Its training seed (derived from the sweep's seed and the index).</param>
/// <param name="Values">Its value for each parameter key.</param>
/// <param name="Directory">Its run directory (<c>OUT/trial-000</c>, ...).</param>
public sealed record SweepTrial(int Index, int Stage, long Seed, IReadOnlyDictionary<string, object> Values, string Directory)
{
    /// <summary>The trial's name (its directory's): <c>trial-007</c>.</summary>
    public string Name => TrialName(Index);

    /// <summary>The name of trial <paramref name="index"/>.</summary>
    public static string TrialName(int index) => $"trial-{index:000}";

    /// <summary>The values as <c>key=value</c> overrides (TOML literals), in the search space's order.</summary>
    public IReadOnlyList<string> Overrides(SearchSpace space) => space.Parameters.Select(p => $"{p.Key}={SweepParameter.Format(Values[p.Key])}").ToList();
}

/// <summary>How one segment of a trial's training (to a rung's budget) ended.</summary>
/// <param name="Status">The trainer's status.</param>
/// <param name="EnvSteps">Environment steps of the trial so far.</param>
/// <param name="Score">The evaluation's mean return at the end of the segment (null: none ran, e.g. stopped or diverged).</param>
/// <param name="WallSeconds">The trial's training wall time so far.</param>
/// <param name="Problem">Why a stopped or diverged segment stopped.</param>
public sealed record TrialSegment(TrainingStatus Status, long EnvSteps, double? Score, double WallSeconds, string? Problem);

/// <summary>
/// Trains trials for a <see cref="Sweep"/>: the runner knows how a trial's values become a training run (for <c>rl sweep</c>,
/// a config file with <c>--set</c> overrides, through <see cref="Trainer"/>). Called from several threads at once with
/// <see cref="SweepSettings.Jobs"/> above 1 (never twice at once for one trial).
/// </summary>
public interface ISweepTrialRunner
{
    /// <summary>Checks that the trial's values make a valid run, before anything is trained; returns the problem, or null.</summary>
    string? Check(SweepTrial trial);

    /// <summary>
    /// Trains <paramref name="trial"/> in its run directory (new, or continued from its newest checkpoint) until
    /// <paramref name="budget"/> steps, with <paramref name="callbacks"/> added to its trainer, and returns how it ended with
    /// its final evaluation. A trial interrupted by <paramref name="cancel"/> returns <see cref="TrainingStatus.Interrupted"/>.
    /// </summary>
    TrialSegment Run(SweepTrial trial, long budget, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancel);
}

/// <summary>
/// A trial runner whose trials train elsewhere (other machines): <see cref="Sweep"/> awaits its segments instead of
/// blocking a thread per trial, so <see cref="SweepSettings.Jobs"/> can be as large as the trials of a rung. The
/// <see cref="LossExplosionStop"/> among the callbacks is to be applied where the trial trains (its factor and key), and the
/// reason of a stop returned in <see cref="TrialSegment.Problem"/>.
/// </summary>
public interface IAsyncSweepTrialRunner : ISweepTrialRunner
{
    /// <summary>As <see cref="ISweepTrialRunner.Run"/>, awaited.</summary>
    Task<TrialSegment> RunAsync(SweepTrial trial, long budget, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancel);
}

/// <summary>Where a trial stands.</summary>
public enum TrialState
{
    /// <summary>Not finished with its current rung, or promoted to the next one.</summary>
    Running,

    /// <summary>Trained to its stage's full budget.</summary>
    Completed,

    /// <summary>Reached the reward threshold (the trainer stopped it: <c>run.stop_when_solved</c>).</summary>
    Solved,

    /// <summary>Stopped at a rung by successive halving.</summary>
    Pruned,

    /// <summary>Stopped because its loss exploded.</summary>
    Exploded,

    /// <summary>Stopped because a metric was not finite.</summary>
    Diverged,

    /// <summary>Its values make an invalid run (never trained).</summary>
    Failed,
}

/// <summary>A trial's evaluation at one rung.</summary>
/// <param name="Rung">The rung's index.</param>
/// <param name="Budget">The rung's budget in environment steps.</param>
/// <param name="Status">How the segment ended (snake_case trainer status).</param>
/// <param name="EnvSteps">Steps taken.</param>
/// <param name="Score">The evaluation's mean return (null: none).</param>
/// <param name="WallSeconds">Training wall time so far.</param>
public sealed record RungRecord(int Rung, long Budget, string Status, long EnvSteps, double? Score, double WallSeconds);

/// <summary>A trial's record in the sweep's state (<c>sweep.json</c>) and results.</summary>
public sealed record TrialRecord
{
    /// <summary>The trial's number.</summary>
    public required int Index { get; init; }

    /// <summary>Its stage.</summary>
    public required int Stage { get; init; }

    /// <summary>Its training seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Its values as TOML literals, by key.</summary>
    public required Dictionary<string, string> Values { get; init; }

    /// <summary>Its evaluations, one per rung it finished.</summary>
    public List<RungRecord> Rungs { get; init; } = [];

    /// <summary>Where it stands.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public TrialState State { get; set; } = TrialState.Running;

    /// <summary>Why it stopped where it did (pruned, exploded, diverged, failed).</summary>
    public string? Reason { get; set; }

    /// <summary>The trial's name (<c>trial-007</c>).</summary>
    [JsonIgnore]
    public string Name => SweepTrial.TrialName(Index);

    /// <summary>Its latest evaluation (null: none).</summary>
    [JsonIgnore]
    public double? Score => Rungs.Count == 0 ? null : Rungs[^1].Score;

    /// <summary>Environment steps it trained for.</summary>
    [JsonIgnore]
    public long EnvSteps => Rungs.Count == 0 ? 0 : Rungs[^1].EnvSteps;

    /// <summary>Its training wall time.</summary>
    [JsonIgnore]
    public double WallSeconds => Rungs.Count == 0 ? 0 : Rungs[^1].WallSeconds;

    /// <summary>Its values, parsed back from their literals.</summary>
    public IReadOnlyDictionary<string, object> ParsedValues() =>
        Values.ToDictionary(p => p.Key, p => SweepParameter.ParseLiteral(p.Value), StringComparer.Ordinal);
}

/// <summary>One coarse-to-fine stage in the sweep's state.</summary>
public sealed record StageRecord
{
    /// <summary>The stage's index.</summary>
    public required int Index { get; init; }

    /// <summary>Its budget in environment steps.</summary>
    public required long Budget { get; init; }

    /// <summary>Its search space as <c>--param</c> items.</summary>
    public required List<string> Space { get; init; }

    /// <summary>Its trials' indices.</summary>
    public required List<int> Trials { get; init; }
}

/// <summary>The sweep's state file (<c>sweep.json</c>): written after every trial segment, read to resume.</summary>
public sealed record SweepState
{
    /// <summary>The file's name in the sweep directory.</summary>
    public const string FileName = "sweep.json";

    /// <summary>The format version.</summary>
    public int Format { get; init; } = 1;

    /// <summary>The settings' and the runner's fingerprint: a sweep resumes only with the same ones.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The stages begun so far.</summary>
    public List<StageRecord> Stages { get; init; } = [];

    /// <summary>Every trial begun so far.</summary>
    public List<TrialRecord> Trials { get; init; } = [];
}

/// <summary>
/// A hyperparameter sweep (the course's recipe, RL Zoo's <c>--optimize</c>): random search over a <see cref="SearchSpace"/>
/// with synchronous successive-halving pruning, loss-explosion stops, coarse-to-fine stages, trials in parallel, and a state
/// file after every trial segment so that a killed sweep resumes without rerunning finished work. Every trial is an
/// ordinary run directory trained by an <see cref="ISweepTrialRunner"/>. The outcome depends only on the settings, the
/// runner and the seed, not on <see cref="SweepSettings.Jobs"/> or on interruptions.
/// </summary>
public sealed class Sweep
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Lock _gate = new();
    private readonly SweepState _state;

    /// <summary>Prepares a sweep in <paramref name="directory"/>: a new one, or the one there to resume (same settings and runner fingerprint).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="runner">Trains the trials.</param>
    /// <param name="directory">The sweep directory (trial run directories go inside it).</param>
    /// <param name="runnerFingerprint">What identifies the runner's base configuration (e.g. the config text and overrides).</param>
    /// <param name="log">Receives one line per event (trial segment finished, pruning, stage begun).</param>
    /// <exception cref="ArgumentException">If a setting is out of range.</exception>
    /// <exception cref="IOException">If <paramref name="directory"/> holds another sweep or an unreadable state file.</exception>
    public Sweep(SweepSettings settings, ISweepTrialRunner runner, string directory, string runnerFingerprint, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(runner);
        settings.Validate();
        Settings = settings;
        Runner = runner;
        Directory = Path.GetFullPath(directory);
        Log = log ?? (_ => { });
        string fingerprint = settings.Fingerprint() + "\n" + runnerFingerprint;
        string file = Path.Combine(Directory, SweepState.FileName);
        if (File.Exists(file))
        {
            SweepState? state;
            try
            {
                state = JsonSerializer.Deserialize<SweepState>(File.ReadAllText(file), Json);
            }
            catch (JsonException e)
            {
                throw new IOException($"'{file}' is not a readable sweep state ({e.Message}); remove it to start the sweep again, or choose another --out", e);
            }
            if (state is null || state.Fingerprint != fingerprint)
                throw new IOException(
                    $"'{Directory}' holds a different sweep (another config, search space, seed or schedule); resume it with its own command, or choose another --out");
            _state = state;
            Resumed = true;
        }
        else
        {
            if (System.IO.Directory.Exists(Directory) && System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
                throw new IOException($"'{Directory}' exists and is not a sweep directory (no {SweepState.FileName}); choose another --out");
            _state = new SweepState { Fingerprint = fingerprint };
        }
    }

    /// <summary>The settings.</summary>
    public SweepSettings Settings { get; }

    /// <summary>The trial runner.</summary>
    public ISweepTrialRunner Runner { get; }

    /// <summary>The sweep directory.</summary>
    public string Directory { get; }

    /// <summary>Whether a state file was found (the sweep continues where it stopped).</summary>
    public bool Resumed { get; }

    /// <summary>The event log.</summary>
    public Action<string> Log { get; }

    /// <summary>Every trial so far.</summary>
    public IReadOnlyList<TrialRecord> Trials => _state.Trials;

    /// <summary>The stages so far.</summary>
    public IReadOnlyList<StageRecord> Stages => _state.Stages;

    /// <summary>Trial segments run by this process (not counting those a resumed sweep found done).</summary>
    public int SegmentsRun => _segmentsRun;

    private int _segmentsRun;

    /// <summary>The training seed of trial <paramref name="index"/> of a sweep seeded with <paramref name="sweepSeed"/>.</summary>
    public static long TrialSeed(long sweepSeed, int index) => new Rng(Mix(sweepSeed, 0x7121A1 + index)).NextSeed();

    private static long Mix(long a, long b) => unchecked(a * 0x5851F42D4C957F2DL + b * 0x14057B7EF767814FL + 0x2545F4914F6CDD1DL);

    /// <summary>
    /// Runs (or continues) every stage and rung. Returns true when the sweep finished, false when <paramref name="cancel"/>
    /// interrupted it (the state is saved; running again continues).
    /// </summary>
    public bool Run(CancellationToken cancel = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        Save();
        for (int s = 0; s < Settings.Stages; s++)
        {
            var stage = s < _state.Stages.Count ? _state.Stages[s] : BeginStage(s);
            var budgets = SuccessiveHalving.Budgets(stage.Budget, Settings.RungFractions);
            for (int r = 0; r < budgets.Count; r++)
            {
                var due = stage.Trials.Select(i => _state.Trials[i]).Where(t => t.State == TrialState.Running && t.Rungs.Count == r).ToList();
                if (due.Count > 0 && !RunRung(due, r, budgets[r], cancel)) return false;
                Decide(stage, r, budgets, r == budgets.Count - 1);
            }
        }
        return true;
    }

    private StageRecord BeginStage(int s)
    {
        var space = Settings.Space;
        if (s > 0)
        {
            var previous = _state.Stages[s - 1];
            var best = Ranking(previous.Trials.Select(i => _state.Trials[i])).Where(t => t.Score is not null)
                .Take(NarrowAround(previous.Trials.Count, Settings.Eta)).ToList();
            var current = SearchSpace.Parse(previous.Space);
            space = best.Count == 0 ? current : current.Narrow(best.Select(t => t.ParsedValues()).ToList());
        }
        var rng = new Rng(Mix(Settings.Seed, s + 1));
        var stage = new StageRecord { Index = s, Budget = Settings.StageBudget(s), Space = space.Describe().ToList(), Trials = [] };
        for (int k = 0; k < Settings.Trials; k++)
        {
            int index = _state.Trials.Count;
            var values = space.Sample(rng);
            var record = new TrialRecord
            {
                Index = index, Stage = s, Seed = TrialSeed(Settings.Seed, index),
                Values = Settings.Space.Parameters.ToDictionary(p => p.Key, p => SweepParameter.Format(values[p.Key]), StringComparer.Ordinal),
            };
            if (Runner.Check(ToTrial(record)) is { } problem)
            {
                record.State = TrialState.Failed;
                record.Reason = problem;
            }
            _state.Trials.Add(record);
            stage.Trials.Add(index);
        }
        var failed = stage.Trials.Select(i => _state.Trials[i]).Where(t => t.State == TrialState.Failed).ToList();
        if (failed.Count == stage.Trials.Count)
            throw new ArgumentException($"every trial's configuration is rejected; the first: {failed[0].Name}: {failed[0].Reason}");
        _state.Stages.Add(stage);
        Log($"stage {s + 1} of {Settings.Stages}: {Settings.Trials} trials, budget {stage.Budget:N0} steps, rungs at " +
            string.Join(", ", SuccessiveHalving.Budgets(stage.Budget, Settings.RungFractions).Select(b => b.ToString("N0", CultureInfo.InvariantCulture))) +
            "; " + string.Join(" ", stage.Space));
        foreach (var t in failed) Log($"{t.Name}: rejected: {t.Reason}");
        Save();
        return stage;
    }

    /// <summary>
    /// How many of a stage's <paramref name="trials"/> best trials the next stage's ranges are narrowed around:
    /// ceil(trials / eta^2), at least 2 (the survivors of two rungs of halving; e.g. 2 of 12 with eta 3).
    /// </summary>
    public static int NarrowAround(int trials, int eta) => Math.Max(2, (trials + eta * eta - 1) / (eta * eta));

    /// <summary>The trial of a record, with its run directory.</summary>
    public SweepTrial ToTrial(TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new SweepTrial(record.Index, record.Stage, record.Seed, record.ParsedValues(), Path.Combine(Directory, record.Name));
    }

    private bool RunRung(List<TrialRecord> due, int rung, long budget, CancellationToken cancel)
    {
        bool interrupted = false;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Settings.Jobs };
        if (Runner is IAsyncSweepTrialRunner remote)
        {
            // Trials that wait on other machines hold no thread while they wait.
            Parallel.ForEachAsync(due, options, async (record, _) =>
            {
                if (cancel.IsCancellationRequested)
                {
                    interrupted = true;
                    return;
                }
                var explosion = Settings.ExplodeFactor > 0 ? new LossExplosionStop(Settings.ExplodeFactor, Settings.LossKey) : null;
                var segment = await remote.RunAsync(ToTrial(record), budget, explosion is null ? [] : [explosion], cancel).ConfigureAwait(false);
                if (!Record(record, rung, budget, segment, explosion)) interrupted = true;
            }).GetAwaiter().GetResult();
            return !interrupted;
        }
        Parallel.ForEach(due, options, (record, loop) =>
        {
            if (cancel.IsCancellationRequested)
            {
                interrupted = true;
                return;
            }
            var explosion = Settings.ExplodeFactor > 0 ? new LossExplosionStop(Settings.ExplodeFactor, Settings.LossKey) : null;
            var segment = Runner.Run(ToTrial(record), budget, explosion is null ? [] : [explosion], cancel);
            if (!Record(record, rung, budget, segment, explosion)) interrupted = true;
        });
        return !interrupted;
    }

    /// <summary>Records how a trial's segment ended (false: it was interrupted, nothing recorded) and saves the state.</summary>
    private bool Record(TrialRecord record, int rung, long budget, TrialSegment segment, LossExplosionStop? explosion)
    {
        {
            Interlocked.Increment(ref _segmentsRun);
            lock (_gate)
            {
                if (segment.Status == TrainingStatus.Interrupted) return false;
                record.Rungs.Add(new RungRecord(rung, budget, Snake(segment.Status), segment.EnvSteps, segment.Score, Math.Round(segment.WallSeconds, 3)));
                switch (segment.Status)
                {
                    case TrainingStatus.Solved:
                        record.State = TrialState.Solved;
                        break;
                    case TrainingStatus.Diverged:
                        record.State = TrialState.Diverged;
                        record.Reason = segment.Problem ?? "a metric was not finite";
                        break;
                    case TrainingStatus.Stopped:
                        // The only callback the sweep adds is the loss-explosion stop.
                        record.State = TrialState.Exploded;
                        record.Reason = explosion?.Reason ?? segment.Problem ?? "loss exploded";
                        break;
                }
                Log($"{record.Name} rung {rung + 1} ({budget:N0} steps): {Snake(segment.Status)} at step {segment.EnvSteps:N0}, score " +
                    (segment.Score is double sc ? sc.ToString("0.##", CultureInfo.InvariantCulture) : "-") +
                    (record.Reason is not null && record.State != TrialState.Running ? $" ({record.Reason})" : "") +
                    $", {segment.WallSeconds:0.#} s");
                Save();
            }
        }
        return true;
    }

    private void Decide(StageRecord stage, int rung, IReadOnlyList<long> budgets, bool last)
    {
        var atRung = stage.Trials.Select(i => _state.Trials[i]).Where(t => t.Rungs.Count > rung && t.Rungs[rung].Rung == rung).ToList();
        var going = atRung.Where(t => t.State == TrialState.Running).ToList();
        if (going.Count == 0) return;
        if (last)
        {
            foreach (var t in going) t.State = TrialState.Completed;
        }
        else
        {
            var entries = atRung.Select(t => new RungEntry(t.Index, t.Rungs[rung].Score, t.Rungs[rung].EnvSteps)).ToList();
            var ranked = SuccessiveHalving.Rank(entries);
            var kept = SuccessiveHalving.Promote(entries, Settings.Eta).ToHashSet();
            foreach (var t in going.Where(t => !kept.Contains(t.Index)))
            {
                int place = ranked.ToList().FindIndex(e => e.Trial == t.Index) + 1;
                t.State = TrialState.Pruned;
                t.Reason = string.Create(CultureInfo.InvariantCulture,
                    $"pruned at rung {rung + 1} (step {t.Rungs[rung].EnvSteps:N0} of {budgets[^1]:N0}): ranked {place} of {entries.Count}, the best {kept.Count} went on");
                Log($"{t.Name}: {t.Reason}");
            }
        }
        Save();
    }

    /// <summary>
    /// Trials ranked best first: solved trials (by score, then fewer steps), then the others by the budget they reached,
    /// then their latest evaluation; trials without one come last.
    /// </summary>
    public static IReadOnlyList<TrialRecord> Ranking(IEnumerable<TrialRecord> trials) =>
        trials.OrderBy(t => t.Score is null ? 1 : 0)
            .ThenBy(t => t.State == TrialState.Solved ? 0 : 1)
            .ThenByDescending(t => t.State == TrialState.Solved ? 0 : t.Rungs.Count == 0 ? 0 : t.Rungs[^1].Budget)
            .ThenByDescending(t => t.Score ?? double.NegativeInfinity)
            .ThenBy(t => t.EnvSteps)
            .ThenBy(t => t.Index)
            .ToList();

    private void Save()
    {
        lock (_gate)
            RunFileSystem.Default.WriteAllTextAtomic(Path.Combine(Directory, SweepState.FileName), JsonSerializer.Serialize(_state, Json) + "\n");
    }

    /// <summary>A status in snake_case (<c>budget_reached</c>).</summary>
    public static string Snake(TrainingStatus status) =>
        string.Concat(status.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
