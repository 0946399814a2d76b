using System.Globalization;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Training.Health;

/// <summary>
/// The training-health checks ("babysitting" from the course material) over the diagnostics the algorithms already log:
/// per-layer update/weight ratio against 1e-3, weight and gradient norms (explosion, vanishing), dead ReLU units, early
/// entropy collapse, value-loss explosion, evaluation far below training returns, and divergence. A
/// <see cref="ITrainingSink"/> the <see cref="Trainer"/> adds by default: each check prints one line through
/// <see cref="Live"/> the first time it fires (not every iteration), and when training stops the report
/// (<see cref="HealthReport"/>) is printed and, with a run directory, written as <c>health.json</c> and <c>health.md</c>.
/// It reads the same names as <c>metrics.csv</c>, so <see cref="FromMetrics"/> rebuilds a past run's report from its files.
/// Gradient-free algorithms report no gradients: only their parameter-norm and evaluation checks apply.
/// </summary>
public sealed class HealthMonitor : ITrainingSink
{
    /// <summary>The JSON report's file name in a run directory.</summary>
    public const string JsonFile = "health.json";

    /// <summary>The Markdown report's file name in a run directory.</summary>
    public const string MarkdownFile = "health.md";

    private const string Diag = "diag/";
    private readonly HealthOptions _options;
    private readonly long _totalSteps;
    private readonly double? _threshold;
    private readonly string? _directory;
    private readonly RunFileSystem _fs;
    private readonly SortedDictionary<string, Layer> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pending> _warnings = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _checked = new(StringComparer.Ordinal);
    private double? _entropyStart;
    private bool _actionSpaceAsked;
    private Space? _actionSpace;
    private int _evalGapStreak;
    private double? _lastRecent;
    private int _iteration;
    private long _envSteps;
    private bool _quiet;
    private string? _status;

    /// <summary>Creates the monitor.</summary>
    /// <param name="options">The thresholds (validated here).</param>
    /// <param name="totalSteps">The run's step budget (for "early" in the entropy check).</param>
    /// <param name="rewardThreshold">The return that counts as solved: a solved policy may be nearly deterministic.</param>
    /// <param name="runDirectory">Where <c>health.json</c> and <c>health.md</c> go; null: nowhere.</param>
    /// <param name="fileSystem">The file operations; null: the real ones.</param>
    /// <exception cref="ArgumentException">If a threshold is out of range.</exception>
    public HealthMonitor(HealthOptions options, long totalSteps, double? rewardThreshold = null, string? runDirectory = null, RunFileSystem? fileSystem = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_options, _totalSteps, _threshold, _directory, _fs) = (options, totalSteps, rewardThreshold, runDirectory, fileSystem ?? RunFileSystem.Default);
    }

    /// <summary>Receives each warning's line the first time it fires (the trainer's progress messages); null: silent.</summary>
    public Action<string>? Live { get; set; }

    /// <summary>
    /// The environment's action space, asked once when the first entropy is reported (discrete and continuous policies
    /// collapse differently); null or returning null: treated as discrete.
    /// </summary>
    public Func<Space?>? ActionSpace { get; set; }

    /// <summary>The warnings so far, in the order they were first seen.</summary>
    public IReadOnlyList<HealthWarning> Warnings => _warnings.Values.Select(p => p.ToWarning()).ToList();

    /// <inheritdoc />
    public void Write(IterationRecord record) => Observe(record.Iteration, record.EnvSteps, Values(record));

    /// <summary>The record's values under their <c>metrics.csv</c> names.</summary>
    public static Dictionary<string, double> Values(IterationRecord r)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (r.RecentReturnMean is double recent) values["recent_return_mean"] = recent;
        if (r.EpisodeReturnMean is double ret) values["ep_return_mean"] = ret;
        foreach (var (name, value) in r.Scalars) values[name] = value;
        foreach (var d in r.Diagnostics)
        {
            values[$"{Diag}{d.Name}/norm"] = d.Norm;
            if (d.UpdateRatio is double u) values[$"{Diag}{d.Name}/update_ratio"] = u;
        }
        if (r.Evaluation is { } e) values["eval_mean_return"] = e.MeanReturn;
        return values;
    }

    /// <summary>
    /// Runs the checks on one iteration's values, named as in <c>metrics.csv</c> (<c>diag/&lt;net&gt;/&lt;parameter&gt;/update_ratio</c>,
    /// <c>policy/entropy</c>, <c>loss/value</c>, <c>eval_mean_return</c>, ...).
    /// </summary>
    /// <param name="iteration">The iteration.</param>
    /// <param name="envSteps">Environment steps at its end.</param>
    /// <param name="values">Its values by name.</param>
    /// <param name="finalEvaluation">Its evaluation (<c>eval_mean_return</c>) is the run's final one.</param>
    public void Observe(int iteration, long envSteps, IReadOnlyDictionary<string, double> values, bool finalEvaluation = false)
    {
        (_iteration, _envSteps) = (iteration, envSteps);
        if (!_options.Enabled) return;
        ObserveLayers(values);
        ObserveNorms(values);
        ObserveEntropy(values);
        ObserveValueLoss(values);
        if (values.TryGetValue("recent_return_mean", out var recent)) _lastRecent = recent;
        if (values.TryGetValue("eval_mean_return", out var eval)) ObserveEvaluation(eval, finalEvaluation);
    }

    /// <summary>
    /// Replays rows of a <c>metrics.csv</c> without printing: a resumed run's earlier iterations, or a past run's whole file
    /// (<paramref name="lastIsFinal"/>: the last row's evaluation is the final one).
    /// </summary>
    public void Replay(IEnumerable<IReadOnlyDictionary<string, string>> rows, bool lastIsFinal = false)
    {
        bool quiet = _quiet;
        _quiet = true;
        try
        {
            var list = rows.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                var row = list[i];
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (k, v) in row)
                    if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)) values[k] = x;
                int iteration = values.TryGetValue("iteration", out var it) ? (int)it : _iteration + 1;
                long steps = values.TryGetValue("env_steps", out var s) ? (long)s : _envSteps;
                Observe(iteration, steps, values, lastIsFinal && i == list.Count - 1);
            }
        }
        finally
        {
            _quiet = quiet;
        }
    }

    /// <inheritdoc />
    public void WriteFinalEvaluation(int iteration, long envSteps, EvalResult evaluation)
    {
        if (_options.Enabled) ObserveEvaluation(evaluation.MeanReturn, final: true);
    }

    /// <inheritdoc />
    public void Close(TrainingOutcome outcome)
    {
        if (outcome.Status == TrainingStatus.Diverged && _options.Enabled)
            Raise(HealthChecks.Diverged, outcome.Problem ?? "training stopped", "a value is not finite");
        _status = HealthReport.Snake(outcome.Status.ToString());
        Finish();
    }

    /// <summary>
    /// Records that training failed with an exception (e.g. a NaN loss refused by the optimizer), then writes and prints the
    /// report as <see cref="Close"/> does.
    /// </summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string m = error.Message;
        if (_options.Enabled && (m.Contains("NaN", StringComparison.Ordinal) || m.Contains("Infinity", StringComparison.Ordinal) || m.Contains('∞')
                                 || m.Contains("not finite", StringComparison.Ordinal)))
        {
            _iteration++; // the iteration that failed
            Raise(HealthChecks.Diverged, "exception", m);
            _iteration--;
        }
        _status = "failed";
        Finish();
    }

    private void Finish()
    {
        var report = Report();
        if (!_quiet)
            foreach (var line in report.SummaryLines()) Live?.Invoke(line);
        if (_directory is null) return;
        _fs.WriteAllTextAtomic(Path.Combine(_directory, JsonFile), report.ToJson());
        _fs.WriteAllTextAtomic(Path.Combine(_directory, MarkdownFile), report.ToMarkdown());
    }

    /// <summary>The report as it stands.</summary>
    public HealthReport Report() => new()
    {
        Iterations = _iteration,
        EnvSteps = _envSteps,
        Status = _status,
        Checked = [.. _checked],
        Warnings = [.. HealthChecks.All.Where(_warnings.ContainsKey).Select(c => _warnings[c].ToWarning())],
        Layers = [.. _layers.Values.Select(l => l.Summary(_options.Window))],
        Options = _options,
    };

    /// <summary>
    /// The report of a finished (or running) run, rebuilt from its <c>metrics.csv</c> with <paramref name="options"/>
    /// (e.g. other thresholds than the run used); nothing is written.
    /// </summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="options">The thresholds; null: the defaults.</param>
    /// <param name="totalSteps">The run's step budget; null: the last row's steps.</param>
    /// <param name="rewardThreshold">The return that counts as solved, if any.</param>
    /// <param name="actionSpace">The environment's action space, if known.</param>
    /// <exception cref="FileNotFoundException">If the directory has no <c>metrics.csv</c>.</exception>
    public static HealthReport FromMetrics(string runDirectory, HealthOptions? options = null, long? totalSteps = null, double? rewardThreshold = null, Space? actionSpace = null)
    {
        string file = Path.Combine(runDirectory, RunFiles.Metrics);
        if (!File.Exists(file)) throw new FileNotFoundException($"'{runDirectory}' has no {RunFiles.Metrics} (is it a run directory?)", file);
        var rows = CsvLog.Parse(File.ReadAllText(file)).Rows.Select(r => (IReadOnlyDictionary<string, string>)r.Row).ToList();
        long steps = totalSteps ?? (rows.Count > 0 && long.TryParse(rows[^1].GetValueOrDefault("env_steps"), CultureInfo.InvariantCulture, out var s) ? s : 1);
        var monitor = new HealthMonitor(options ?? new HealthOptions(), Math.Max(steps, 1), rewardThreshold) { ActionSpace = () => actionSpace };
        monitor.Replay(rows, lastIsFinal: true);
        return monitor.Report();
    }

    // ---- per-layer checks: update ratio, weight growth, gradients, dead units ----

    private void ObserveLayers(IReadOnlyDictionary<string, double> values)
    {
        foreach (var (key, value) in values)
        {
            if (!key.StartsWith(Diag, StringComparison.Ordinal)) continue;
            int slash = key.LastIndexOf('/');
            string name = key[Diag.Length..slash], what = key[(slash + 1)..];
            // The optimizers' per-step diagnostics have a gradient norm beside the ratio; the trainer's per-iteration
            // ratios of the weight histograms (diag/weights/..., diag/parameters) are not per update and are left out.
            bool optimizer = values.ContainsKey($"{Diag}{name}/grad_norm");
            switch (what)
            {
                case "update_ratio" when optimizer:
                case "grad_norm":
                case "weight_norm" when optimizer:
                    Get(name).Add(what, value);
                    break;
                case "dead_fraction":
                    Get(name).Add(what, value);
                    break;
            }
        }
        var networks = new SortedDictionary<string, List<(string Layer, double Ratio)>>(StringComparer.Ordinal);
        foreach (var (name, layer) in _layers)
        {
            if (!layer.Updated) continue;
            layer.Updated = false;
            CheckLayer(name, layer);
            if (layer.IsWeight && values.TryGetValue($"{Diag}{name}/update_ratio", out var ratio) && values.ContainsKey($"{Diag}{name}/grad_norm"))
            {
                string network = name.Split('/')[0];
                if (!networks.TryGetValue(network, out var list)) networks[network] = list = [];
                list.Add((name, ratio));
            }
        }
        // Too large is judged per network on its typical (median) weight layer at one update: a layer that starts near zero
        // (a policy head initialised small) has a large ratio on its first steps in a healthy run, a whole network does not.
        foreach (var (network, layers) in networks)
        {
            double typical = Median(layers.Select(l => l.Ratio));
            if (typical > _options.UpdateRatioMax)
                Raise(HealthChecks.UpdateRatioHigh, network,
                    $"median over its {layers.Count} weight layers {HealthReport.Num(typical)} at one update (threshold {HealthReport.Num(_options.UpdateRatioMax)}, healthy about 1e-3); " +
                    string.Join(", ", layers.OrderByDescending(l => l.Ratio).Take(3).Select(l => $"{l.Layer} {HealthReport.Num(l.Ratio)}")));
        }
    }

    private Layer Get(string name)
    {
        if (!_layers.TryGetValue(name, out var layer)) _layers[name] = layer = new Layer(name);
        return layer;
    }

    private void CheckLayer(string name, Layer layer)
    {
        int w = _options.Window;
        if (layer.DeadFraction.Count > 0)
        {
            _checked.Add(HealthChecks.DeadUnits);
            if (layer.DeadFraction.Count >= w && Median(layer.DeadFraction.TakeLast(w)) is var dead && dead >= _options.DeadUnitFraction)
                Raise(HealthChecks.DeadUnits, name, $"{dead:P0} of the units never active (median of the last {w} updates; threshold {_options.DeadUnitFraction:P0})");
        }
        if (!layer.IsWeight) return; // biases start at zero: their ratios and norms say little
        if (layer.UpdateRatio.Count > 0) { _checked.Add(HealthChecks.UpdateRatioLow); _checked.Add(HealthChecks.UpdateRatioHigh); }
        if (layer.UpdateRatio.Count >= w)
        {
            // "Too small" is judged on the first updates: weights that stop moving once a value function has converged
            // (or a schedule has decayed the rate) are not stuck; weights that never moved are.
            int n = Math.Min(layer.UpdateRatio.Count, 2 * w);
            double early = Median(layer.UpdateRatio.Take(n));
            if (n == layer.UpdateRatio.Count && early < _options.UpdateRatioMin)
                Raise(HealthChecks.UpdateRatioLow, name, $"median {HealthReport.Num(early)} over the first {n} updates (threshold {HealthReport.Num(_options.UpdateRatioMin)}, healthy about 1e-3)");
        }
        if (layer.WeightNorm.Count > 0)
        {
            _checked.Add(HealthChecks.WeightExplosion);
            double first = layer.WeightNorm[0], last = layer.WeightNorm[^1];
            if (!double.IsFinite(last) || last > _options.WeightNormMax)
                Raise(HealthChecks.WeightExplosion, name, $"norm {HealthReport.Num(last)} (threshold {HealthReport.Num(_options.WeightNormMax)})");
            else if (first > 0 && last > _options.WeightNormGrowth * first)
                Raise(HealthChecks.WeightExplosion, name, $"norm {HealthReport.Num(first)} → {HealthReport.Num(last)}, {last / first:0}x (threshold {HealthReport.Num(_options.WeightNormGrowth)}x)");
        }
        if (layer.GradNorm.Count > 0) { _checked.Add(HealthChecks.GradientExplosion); _checked.Add(HealthChecks.GradientVanishing); }
        if (layer.GradNorm.Count > Math.Min(3, w))
        {
            double early = Median(layer.GradNorm.Take(Math.Min(3, w))), latest = layer.GradNorm[^1];
            if (!double.IsFinite(latest) || early > 0 && latest > _options.GradNormGrowth * early)
                Raise(HealthChecks.GradientExplosion, name, $"gradient norm {HealthReport.Num(early)} (early median) → {HealthReport.Num(latest)} (threshold {HealthReport.Num(_options.GradNormGrowth)}x)");
            if (layer.WeightNorm.Count >= w && layer.GradNorm.Count >= w)
            {
                double relative = Median(layer.GradNorm.TakeLast(w).Zip(layer.WeightNorm.TakeLast(w), (g, n) => n > 0 ? g / n : g));
                if (relative < _options.GradNormMin)
                    Raise(HealthChecks.GradientVanishing, name, $"gradient norm / weight norm {HealthReport.Num(relative)} (median of the last {w}; threshold {HealthReport.Num(_options.GradNormMin)})");
            }
        }
    }

    // ---- parameter norms of any algorithm (gradient-free included) ----

    private void ObserveNorms(IReadOnlyDictionary<string, double> values)
    {
        foreach (var (key, value) in values)
        {
            // The trainer's norms of the torch weight histograms (diag/weights/...) repeat the optimizers' weight_norm.
            bool norm = key == "policy/parameter_norm" || key.StartsWith("policy/weight_norm/", StringComparison.Ordinal)
                        || key.StartsWith(Diag, StringComparison.Ordinal) && key.EndsWith("/norm", StringComparison.Ordinal)
                        && !key.StartsWith(Diag + "weights/", StringComparison.Ordinal);
            if (!norm) continue;
            _checked.Add(HealthChecks.WeightExplosion);
            if (!double.IsFinite(value) || value > _options.WeightNormMax)
                Raise(HealthChecks.WeightExplosion, key, $"norm {HealthReport.Num(value)} (threshold {HealthReport.Num(_options.WeightNormMax)})");
        }
    }

    // ---- policy entropy ----

    private void ObserveEntropy(IReadOnlyDictionary<string, double> values)
    {
        if (!values.TryGetValue("policy/entropy", out var entropy)) return;
        _checked.Add(HealthChecks.EntropyCollapse);
        if (!_actionSpaceAsked)
        {
            _actionSpaceAsked = true;
            _actionSpace = ActionSpace?.Invoke();
        }
        // The reference: a discrete policy's largest entropy, ln n (an initial policy is close to uniform); otherwise the
        // first entropy reported (a Gaussian's starting std is a hyperparameter).
        double start = _entropyStart ??= _actionSpace switch
        {
            Discrete d => Math.Log(d.N),
            MultiDiscrete m => m.Nvec.ToArray().Sum(n => Math.Log(n)),
            _ => entropy,
        };
        if (_envSteps > _options.EntropyCollapseBefore * _totalSteps) return;
        if (_threshold is double t && values.TryGetValue("recent_return_mean", out var recent) && recent >= t) return; // solved: may be deterministic
        double f = _options.EntropyCollapseFraction;
        if (_actionSpace is IBox box)
        {
            // A Gaussian's entropy is Σ log σ_i + const: a std shrunk to the fraction f lowers it by ln(1/f) per dimension.
            double drop = box.Size * Math.Log(1 / Math.Max(f, 1e-300));
            if (start - entropy >= drop)
                Raise(HealthChecks.EntropyCollapse, "policy/entropy",
                    $"{HealthReport.Num(start)} → {HealthReport.Num(entropy)} nats, the std shrank below {f:P0} of its start over {box.Size} action dimensions, at {Fraction():P0} of the budget");
        }
        else if (start > 0 && entropy < f * start)
        {
            Raise(HealthChecks.EntropyCollapse, "policy/entropy",
                $"{HealthReport.Num(entropy)} nats, below {f:P0} of {HealthReport.Num(start)} ({(_actionSpace is null ? "the first value" : "a uniform policy's")}), at {Fraction():P0} of the budget");
        }
    }

    private double Fraction() => _totalSteps > 0 ? (double)_envSteps / _totalSteps : 0;

    // ---- value loss ----

    private void ObserveValueLoss(IReadOnlyDictionary<string, double> values)
    {
        foreach (var key in (string[])["loss/value", "loss/q"])
        {
            if (!values.TryGetValue(key, out var loss)) continue;
            _checked.Add(HealthChecks.ValueLossExplosion);
            var s = Track(key, loss);
            int n = Math.Min(3, _options.Window);
            if (s.Values.Count <= n) continue;
            double early = Median(s.Values.Take(n));
            if (!double.IsFinite(loss) || early > 0 && loss > _options.ValueLossGrowth * early)
                Raise(HealthChecks.ValueLossExplosion, key, $"{HealthReport.Num(early)} → {HealthReport.Num(loss)} (threshold {HealthReport.Num(_options.ValueLossGrowth)}x the early median)");
        }
    }

    private Series Track(string key, double value)
    {
        if (!_series.TryGetValue(key, out var s)) _series[key] = s = new Series();
        s.Values.Add(value);
        return s;
    }

    // ---- evaluation against training returns ----

    private void ObserveEvaluation(double eval, bool final)
    {
        if (_lastRecent is not double train) return;
        _checked.Add(HealthChecks.EvalGap);
        double scale = (Math.Abs(train) + Math.Abs(eval)) / 2, gap = scale > 0 ? (train - eval) / scale : 0;
        _evalGapStreak = gap > _options.EvalGap ? _evalGapStreak + 1 : 0;
        // Early evaluations of a barely trained policy are noisy: two in a row, or the final one, count.
        if (_evalGapStreak >= 2 || final && _evalGapStreak >= 1)
            Raise(HealthChecks.EvalGap, "eval_mean_return",
                $"evaluation {HealthReport.Num(eval)} against training {HealthReport.Num(train)} (relative gap {gap:0.00}; threshold {HealthReport.Num(_options.EvalGap)})");
    }

    // ---- warnings ----

    private void Raise(string check, string subject, string measured)
    {
        if (_warnings.TryGetValue(check, out var pending))
        {
            if (pending.Findings.All(f => f.Subject != subject)) pending.Findings.Add(new HealthFinding(subject, measured));
            return;
        }
        pending = new Pending(check, _iteration, _envSteps);
        pending.Findings.Add(new HealthFinding(subject, measured));
        _warnings[check] = pending;
        if (!_quiet) Live?.Invoke(pending.ToWarning().Line());
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0) return double.NaN;
        Array.Sort(sorted);
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /// <inheritdoc />
    public void Dispose() { }

    private sealed class Series
    {
        public List<double> Values { get; } = [];
    }

    private sealed class Layer(string name)
    {
        public List<double> UpdateRatio { get; } = [];
        public List<double> WeightNorm { get; } = [];
        public List<double> GradNorm { get; } = [];
        public List<double> DeadFraction { get; } = [];
        public bool Updated { get; set; }

        // Weight matrices and kernels (…weight), not biases or normalisation offsets.
        public bool IsWeight { get; } = name.EndsWith("weight", StringComparison.Ordinal);

        public void Add(string what, double value)
        {
            Updated = true;
            (what switch
            {
                "update_ratio" => UpdateRatio,
                "weight_norm" => WeightNorm,
                "grad_norm" => GradNorm,
                _ => DeadFraction,
            }).Add(value);
        }

        public LayerHealth Summary(int window) => new(name, Math.Max(Math.Max(UpdateRatio.Count, GradNorm.Count), DeadFraction.Count),
            UpdateRatio.Count > 0 ? Median(UpdateRatio) : null,
            WeightNorm.Count > 0 ? WeightNorm[0] : null, WeightNorm.Count > 0 ? WeightNorm[^1] : null,
            GradNorm.Count > 0 ? Median(GradNorm.TakeLast(window)) : null,
            DeadFraction.Count > 0 ? Median(DeadFraction.TakeLast(window)) : null);
    }

    private sealed class Pending(string check, int iteration, long envSteps)
    {
        public List<HealthFinding> Findings { get; } = [];

        public HealthWarning ToWarning()
        {
            var (title, meaning, advice) = Texts[check];
            return new HealthWarning(check, title, iteration, envSteps, [.. Findings], meaning, advice);
        }
    }

    private static readonly Dictionary<string, (string Title, string Meaning, string Advice)> Texts = new(StringComparer.Ordinal)
    {
        [HealthChecks.Diverged] = ("training diverged",
            "A loss, metric or weight became NaN or infinite, and training stopped.",
            "lower the learning rate, clip gradients (max_grad_norm), normalise observations and rewards, check that the environment's observations and rewards are finite."),
        [HealthChecks.UpdateRatioLow] = ("update/weight ratio too small",
            "The weights of these layers barely move with each update (the course's healthy ratio is about 1e-3): the learning rate is too low, the schedule has decayed it to almost nothing, or the gradients are near zero, so training is stuck.",
            "raise the learning rate (e.g. 10x), check the learning-rate schedule, look for dead units or vanishing gradients."),
        [HealthChecks.UpdateRatioHigh] = ("update/weight ratio too large",
            "Each update changes these weights by a large part of their size (healthy: about 1e-3): the learning rate is too high, training is unstable and may diverge or forget what it learnt.",
            "lower the learning rate (e.g. 10x), clip gradients (max_grad_norm), use a decaying learning-rate schedule, normalise observations and advantages."),
        [HealthChecks.WeightExplosion] = ("weights exploding",
            "These weights (or search parameters) grew far beyond their starting size: the updates are too large or nothing holds the weights back, and the network saturates.",
            "lower the learning rate (gradient-free: the step size), add weight decay, clip gradients, normalise observations and returns."),
        [HealthChecks.GradientExplosion] = ("gradients exploding",
            "The gradient norm of these layers grew by orders of magnitude: a growing loss, large targets or a too-high learning rate feed back into ever larger steps.",
            "clip gradients (max_grad_norm 0.5 to 1), lower the learning rate, normalise observations, advantages and value targets, check the reward scale."),
        [HealthChecks.GradientVanishing] = ("gradients vanishing",
            "Almost no gradient reaches these layers, so they stop learning: saturated tanh units, dead ReLU units after them, or initial weights that are far too small or too large.",
            "use He or orthogonal initialisation, normalise the inputs (and add LayerNorm), use fewer layers, look for dead units."),
        [HealthChecks.DeadUnits] = ("dead ReLU units",
            "Most units of these ReLU layers are never active on the updates' samples, so they pass no gradient and may never recover: the network has lost that capacity.",
            "lower the learning rate, use He initialisation with zero biases, normalise the inputs, or use tanh (activation = \"tanh\")."),
        [HealthChecks.EntropyCollapse] = ("policy entropy collapsed early",
            "The policy became nearly deterministic early in training, before it solved the task, so it stops exploring and can lock into a poor behaviour.",
            "add or raise the entropy bonus (entropy_coef, e.g. 0.01), lower the learning rate, lower the clip range or the epochs per rollout (PPO), normalise the advantages."),
        [HealthChecks.ValueLossExplosion] = ("value loss exploding",
            "The value (critic or Q) loss grew by orders of magnitude: the value function diverges, and its advantages or targets mislead the policy.",
            "lower the value learning rate (value_learning_rate, or learning_rate and value_coef), clip gradients, normalise returns or rewards, lower gamma; for DQN update the target network more often."),
        [HealthChecks.EvalGap] = ("evaluation far below training returns",
            "The deterministic evaluation policy does much worse than the training episodes: the policy depends on its sampling noise (its most likely action alone fails), or it fits its training episodes only.",
            "train longer so that the policy sharpens, lower the entropy bonus, evaluate more episodes, check that evaluation uses the same wrappers and normalisation as training."),
    };
}
