using System.Collections;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Rl.Core.Spaces;

namespace Rl.Core;

/// <summary>Settings of <see cref="EnvChecker"/>.</summary>
public sealed record EnvCheckOptions
{
    /// <summary>The seed for resets and sampled actions. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>How many steps the two seeded runs are compared over (resetting when an episode ends). Default 200.</summary>
    public int DeterminismSteps { get; init; } = 200;

    /// <summary>How many random steps may be taken to reach the end of an episode (to test stepping after it). Default 10,000.</summary>
    public int MaxEpisodeSteps { get; init; } = 10_000;

    /// <summary>
    /// Declares that the environment does not depend on its seed (same start, deterministic dynamics), so different seeds
    /// need not give different episodes; <see cref="EnvSpec.FixedStart"/> declares the same for a registered environment.
    /// Default false.
    /// </summary>
    public bool FixedStart { get; init; }

    /// <summary>How many seeds the seeding check compares, and steps of each episode it looks at. Defaults 5 and 20.</summary>
    public (int Seeds, int Steps) SeedProbe { get; init; } = (5, 20);
}

/// <summary>The outcome of one <see cref="EnvChecker"/> check.</summary>
/// <param name="Name">The check, e.g. <c>determinism</c>.</param>
/// <param name="Status">Passed, failed or skipped.</param>
/// <param name="Message">Why it failed or was skipped (empty when it passed).</param>
public sealed record EnvCheckResult(string Name, EnvCheckStatus Status, string Message);

/// <summary>The status of one check.</summary>
public enum EnvCheckStatus
{
    /// <summary>The environment behaved as the contract requires.</summary>
    Passed,
    /// <summary>The environment broke the contract.</summary>
    Failed,
    /// <summary>The check did not apply (e.g. no episode ended within the step budget).</summary>
    Skipped,
}

/// <summary>What <see cref="EnvChecker.Check(IEnv, Func{IEnv}?, EnvCheckOptions?)"/> found.</summary>
public sealed class EnvCheckReport
{
    /// <summary>A report of checks run outside <see cref="EnvChecker"/> (e.g. the rendering checks of Rl.Rendering).</summary>
    /// <param name="envName">The checked environment's name.</param>
    /// <param name="results">Every check in the order run.</param>
    /// <param name="warnings">Problems worth a warning that fail nothing.</param>
    public EnvCheckReport(string envName, IReadOnlyList<EnvCheckResult> results, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(envName);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(warnings);
        EnvName = envName;
        Results = results;
        Warnings = warnings;
    }

    /// <summary>
    /// What Gymnasium's checker warns about without failing: Box bounds that are infinite or equal, an action Box that is
    /// not symmetric and normalised, a second Dispose that throws.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The checked environment's name.</summary>
    public string EnvName { get; }

    /// <summary>Every check in the order run.</summary>
    public IReadOnlyList<EnvCheckResult> Results { get; }

    /// <summary>The failed checks.</summary>
    public IReadOnlyList<EnvCheckResult> Failures => Results.Where(r => r.Status == EnvCheckStatus.Failed).ToList();

    /// <summary>Whether no check failed.</summary>
    public bool Ok => Results.All(r => r.Status != EnvCheckStatus.Failed);

    /// <summary>Throws an <see cref="EnvCheckException"/> listing every failure, if any check failed.</summary>
    public EnvCheckReport ThrowIfFailed() => Ok ? this : throw new EnvCheckException(this);

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        int failed = Failures.Count;
        sb.Append(EnvName).Append(": ").Append(failed == 0 ? "all checks passed" : $"{failed} of {Results.Count} checks failed");
        foreach (var r in Results.Where(r => r.Status != EnvCheckStatus.Passed))
            sb.Append('\n').Append(r.Status == EnvCheckStatus.Failed ? "  FAILED " : "  skipped ").Append(r.Name).Append(": ").Append(r.Message);
        foreach (var w in Warnings) sb.Append("\n  warning: ").Append(w);
        return sb.ToString();
    }
}

/// <summary>An environment failed <see cref="EnvChecker"/>; the message lists every failure.</summary>
public sealed class EnvCheckException : Exception
{
    /// <summary>Creates the exception from a report with failures.</summary>
    public EnvCheckException(EnvCheckReport report) : base("environment check failed for " + report) => Report = report;

    /// <summary>The full report.</summary>
    public EnvCheckReport Report { get; }
}

/// <summary>
/// Checks that an environment keeps the environment contract, in the spirit of Gymnasium's <c>check_env</c>: spaces are set;
/// reset and step return values inside the spaces, a finite reward and an info; the same seed gives the same first
/// observation and, with the same sampled actions, the same trajectory (also across two instances); different seeds give
/// different episodes (unless <see cref="EnvSpec.FixedStart"/> or <see cref="EnvCheckOptions.FixedStart"/> declares that
/// the environment does not use its seed) and an unseeded reset after a seeded one continues the seeded generator (the same
/// each time, and not a repeat of the seeded start); stepping before reset or after the episode ended throws
/// <see cref="ResetNeededException"/>; an invalid action throws <see cref="InvalidActionException"/> and leaves the state
/// unchanged; unknown reset options are rejected and empty ones accepted; for array observations the <c>into</c> buffer is
/// filled and returned, and the allocating path returns arrays the caller may keep. As Gymnasium it warns (in
/// <see cref="EnvCheckReport.Warnings"/>, not failing) about infinite or equal Box bounds, an action Box that is not
/// symmetric and normalised, and a second Dispose (of the factory's instance) that throws.
/// </summary>
/// <remarks>
/// Pass a freshly made environment (never reset): the first check steps it before any reset. Give a factory for a second
/// instance to compare two instances; without one the same instance is reseeded. The environment's state afterwards is
/// unspecified.
/// </remarks>
public static class EnvChecker
{
    private const string UnknownOptionKey = "__env_checker_unknown_option__";

    /// <summary>Checks an environment of any type (dispatching on its observation and action types).</summary>
    /// <param name="env">A freshly made environment.</param>
    /// <param name="makeAnother">Optional factory for a second instance of the same environment (disposed after use).</param>
    /// <param name="options">Seed and step budgets.</param>
    /// <returns>The report; call <see cref="EnvCheckReport.ThrowIfFailed"/> to turn failures into an exception.</returns>
    public static EnvCheckReport Check(IEnv env, Func<IEnv>? makeAnother = null, EnvCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        var (o, a) = EnvRegistry.TypeArguments(env);
        var method = typeof(EnvChecker).GetMethod(nameof(CheckUntyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(o, a);
        try
        {
            return (EnvCheckReport)method.Invoke(null, [env, makeAnother, options])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static EnvCheckReport CheckUntyped<TObs, TAct>(IEnv env, Func<IEnv>? makeAnother, EnvCheckOptions? options)
    {
        Func<IEnv<TObs, TAct>>? typed = makeAnother is null ? null : () =>
        {
            var other = makeAnother();
            if (other is IEnv<TObs, TAct> t) return t;
            other.Dispose();
            throw new InvalidCastException($"the factory made {other.Name} of type {other.GetType().Name}, not an IEnv<{typeof(TObs).Name}, {typeof(TAct).Name}> as the checked environment");
        };
        return Check((IEnv<TObs, TAct>)env, typed, options);
    }

    /// <summary>Checks a typed environment.</summary>
    /// <param name="env">A freshly made environment.</param>
    /// <param name="makeAnother">Optional factory for a second instance of the same environment (disposed after use).</param>
    /// <param name="options">Seed and step budgets.</param>
    /// <returns>The report; call <see cref="EnvCheckReport.ThrowIfFailed"/> to turn failures into an exception.</returns>
    public static EnvCheckReport Check<TObs, TAct>(IEnv<TObs, TAct> env, Func<IEnv<TObs, TAct>>? makeAnother = null, EnvCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        return new Run<TObs, TAct>(env, makeAnother, options ?? new EnvCheckOptions()).Execute();
    }

    private sealed class Run<TObs, TAct>(IEnv<TObs, TAct> env, Func<IEnv<TObs, TAct>>? makeAnother, EnvCheckOptions options)
    {
        private readonly List<EnvCheckResult> _results = [];
        private readonly List<string> _warnings = [];
        private readonly int _seed = options.Seed;

        private Space<TObs> ObsSpace => env.ObservationSpace;
        private Space<TAct> ActSpace => env.ActionSpace;

        public EnvCheckReport Execute()
        {
            string name = SafeName();
            if (!Do("spaces", CheckSpaces)) return new EnvCheckReport(name, _results, _warnings);
            WarnAboutBounds(ObsSpace, "observation");
            WarnAboutBounds(ActSpace, "action");
            Do("step before reset", CheckStepBeforeReset);
            Do("reset", CheckReset);
            Do("reset determinism", CheckResetDeterminism);
            Do("step outputs and episode end", CheckEpisode);
            Do("invalid actions", CheckInvalidActions);
            Do("determinism", CheckDeterminism);
            Do("into buffer", CheckIntoBuffer);
            Do("untyped API", CheckUntypedApi);
            Do("reset options", CheckResetOptions);
            WarnIfSecondDisposeThrows();
            return new EnvCheckReport(name, _results, _warnings);
        }

        private string SafeName()
        {
            try { return env.Name ?? env.GetType().Name; }
            catch (Exception) { return env.GetType().Name; }
        }

        // A check returns null when it passed, "skip: ..." when it did not apply, otherwise the failure.
        private bool Do(string name, Func<string?> check)
        {
            string? message;
            try
            {
                message = check();
            }
            catch (Exception e)
            {
                message = $"threw {e.GetType().Name}: {e.Message}";
            }
            var status = message is null ? EnvCheckStatus.Passed
                : message.StartsWith("skip: ", StringComparison.Ordinal) ? EnvCheckStatus.Skipped : EnvCheckStatus.Failed;
            if (status == EnvCheckStatus.Skipped) message = message![6..];
            _results.Add(new EnvCheckResult(name, status, message ?? ""));
            return status != EnvCheckStatus.Failed;
        }

        private string? CheckSpaces()
        {
            var problems = new List<string>();
            if (env.ObservationSpace is null) problems.Add("ObservationSpace is null");
            if (env.ActionSpace is null) problems.Add("ActionSpace is null");
            if (env.Metadata is null) problems.Add("Metadata is null");
            if (problems.Count == 0)
            {
                if (!ReferenceEquals(((IEnv)env).ObservationSpace, env.ObservationSpace)) problems.Add("the untyped ObservationSpace differs from the typed one");
                if (!ReferenceEquals(((IEnv)env).ActionSpace, env.ActionSpace)) problems.Add("the untyped ActionSpace differs from the typed one");
            }
            return Join(problems);
        }

        private string? CheckStepBeforeReset()
        {
            ActSpace.Seed(_seed);
            var action = ActSpace.Sample();
            return ExpectThrows<ResetNeededException>(() => env.Step(action), $"Step({Fmt(action)}) before the first Reset");
        }

        private string? CheckReset()
        {
            var r = env.Reset(_seed);
            var problems = new List<string>();
            if (ObsSpace.Explain(r.Observation) is string why)
                problems.Add($"Reset(seed: {_seed}) returned observation {Fmt(r.Observation)} outside the observation space {ObsSpace}: {why}");
            if (r.Info is null) problems.Add("Reset returned a null Info (use Info.Empty)");
            return Join(problems);
        }

        private string? CheckResetDeterminism()
        {
            var first = ObsSpace.Copy(env.Reset(_seed).Observation);
            env.Reset(_seed + 1);
            var again = env.Reset(_seed).Observation;
            return SameValue(first, again) ? CheckSeeding()
                : $"Reset(seed: {_seed}) gave {Fmt(first)} and then {Fmt(again)}; the same seed must give the same observation";
        }

        // Gymnasium compares the generator states; ours are private, so their effect is compared: the start and the first steps
        // (actions sampled with one seed for all) under several seeds, and the unseeded reset that follows each seeded episode.
        private string? CheckSeeding()
        {
            int seeds = Math.Max(2, options.SeedProbe.Seeds);
            var episodes = new List<List<TObs>>();
            var unseeded = new List<TObs>();
            for (int k = 0; k < seeds; k++)
            {
                episodes.Add(SeededEpisode(_seed + 1 + k));
                unseeded.Add(ObsSpace.Copy(env.Reset().Observation));
            }
            bool fixedStart = options.FixedStart || env.Spec?.FixedStart == true;
            string tried = $"seeds {_seed + 1} to {_seed + seeds}";
            if (!fixedStart && episodes.Skip(1).All(e => SameEpisode(e, episodes[0])))
                return $"Reset with {tried} gave the same start and first steps ({Fmt(episodes[0][0])}): the environment ignores its seed " +
                       "(an environment that does not use its seed declares EnvSpec.FixedStart)";
            if (!fixedStart && Enumerable.Range(0, seeds).All(k => SameValue(unseeded[k], episodes[k][0])))
                return $"Reset() after Reset(seed) repeated the seeded start for {tried} ({Fmt(unseeded[0])}): an unseeded reset must " +
                       "continue the seeded generator, not seed it again";
            if (env.Spec?.Nondeterministic == true) return null;
            SeededEpisode(_seed + 1);
            var repeat = env.Reset().Observation;
            return SameValue(repeat, unseeded[0]) ? null
                : $"Reset() after Reset(seed: {_seed + 1}) gave {Fmt(unseeded[0])} and then {Fmt(repeat)}: an unseeded reset must " +
                  "continue the seeded generator (the same after the same seed), not draw from entropy";
        }

        private List<TObs> SeededEpisode(int seed)
        {
            var observations = new List<TObs> { ObsSpace.Copy(env.Reset(seed).Observation) };
            ActSpace.Seed(_seed);
            for (int t = 0; t < options.SeedProbe.Steps; t++)
            {
                var s = env.Step(ActSpace.Sample());
                observations.Add(ObsSpace.Copy(s.Observation));
                if (s.Done) break;
            }
            return observations;
        }

        private static bool SameEpisode(List<TObs> a, List<TObs> b) => a.Count == b.Count && a.Zip(b).All(p => SameValue(p.First, p.Second));

        private void WarnAboutBounds(Space space, string kind)
        {
            switch (space)
            {
                case IBox box when box.DType is not DType.UInt8:
                    var low = Enumerable.Range(0, box.Size).Select(box.LowAt).ToArray();
                    var high = Enumerable.Range(0, box.Size).Select(box.HighAt).ToArray();
                    if (low.Any(double.IsNegativeInfinity)) _warnings.Add($"the {kind} space {space} has a lower bound of -infinity (probably too low)");
                    if (high.Any(double.IsPositiveInfinity)) _warnings.Add($"the {kind} space {space} has an upper bound of +infinity (probably too high)");
                    int equal = Enumerable.Range(0, low.Length).FirstOrDefault(i => low[i] == high[i], -1);
                    if (equal >= 0) _warnings.Add($"the {kind} space {space} has low == high at element {equal}: that element can take one value only");
                    // Gymnasium recommends [-1, 1] or [0, 1] for continuous actions (policies' outputs and noise assume it).
                    if (kind == "action" && box.Shape.Count == 1
                        && (Enumerable.Range(0, low.Length).Any(i => low[i] != 0 && Math.Abs(low[i]) != Math.Abs(high[i])) || low.Any(l => l < -1) || high.Any(h => h > 1)))
                        _warnings.Add($"the action space {space} is not symmetric and normalised; [-1, 1] or [0, 1] is recommended (RescaleAction)");
                    break;
                case TupleSpace tuple:
                    foreach (var part in tuple.Spaces) WarnAboutBounds(part, kind);
                    break;
                case DictSpace dict:
                    foreach (var (_, part) in dict.Spaces) WarnAboutBounds(part, kind);
                    break;
            }
        }

        // Gymnasium warns when a second close() raises; ours is Dispose, tried on the factory's instance (the checked one is the caller's).
        private void WarnIfSecondDisposeThrows()
        {
            if (makeAnother is null) return;
            IEnv<TObs, TAct> other;
            try
            {
                other = makeAnother();
            }
            catch (Exception)
            {
                return; // already a failure of the determinism check
            }
            other.Dispose();
            try
            {
                other.Dispose();
            }
            catch (Exception e)
            {
                _warnings.Add($"disposing a second time threw {e.GetType().Name}: {e.Message}; Dispose must be safe to call twice");
            }
        }

        private string? CheckEpisode()
        {
            env.Reset(_seed);
            ActSpace.Seed(_seed);
            // The first problem of each kind is reported; the episode runs on so that stepping after its end is still tested.
            string? observation = null, reward = null, info = null;
            for (int t = 1; t <= options.MaxEpisodeSteps; t++)
            {
                var action = ActSpace.Sample();
                var s = env.Step(action);
                if (observation is null && ObsSpace.Explain(s.Observation) is string why)
                    observation = $"step {t}: observation {Fmt(s.Observation)} is outside the observation space {ObsSpace}: {why}";
                if (reward is null && !double.IsFinite(s.Reward)) reward = $"step {t}: reward {Fmt(s.Reward)} is not finite";
                if (info is null && s.Info is null) info = $"step {t}: Step returned a null Info (use Info.Empty)";
                if (s.Terminated || s.Truncated)
                {
                    var next = ActSpace.Sample();
                    var afterEnd = ExpectThrows<ResetNeededException>(() => env.Step(next),
                        $"Step({Fmt(next)}) after the episode ended at step {t} (terminated={s.Terminated}, truncated={s.Truncated})");
                    return Join([.. new[] { observation, reward, info, afterEnd }.OfType<string>()]);
                }
            }
            return Join([.. new[] { observation, reward, info }.OfType<string>()])
                ?? $"skip: no episode ended within {options.MaxEpisodeSteps} random steps, so stepping after the end was not tested";
        }

        private string? CheckInvalidActions()
        {
            var problems = new List<string>();
            env.Reset(_seed);
            foreach (var bad in InvalidActions(ActSpace))
            {
                var error = ExpectThrows<InvalidActionException>(() => env.Step(bad), $"Step({Fmt(bad)}) with an action outside {ActSpace}");
                if (error is not null) problems.Add(error);
            }
            var wrongType = ExpectThrows<InvalidActionException>(() => env.StepObject("not an action"), "StepObject(\"not an action\")");
            if (wrongType is not null) problems.Add(wrongType);
            return Join(problems);
        }

        private string? CheckDeterminism()
        {
            if (env.Spec?.Nondeterministic == true) return "skip: the spec declares the environment nondeterministic";
            // Run 1 also throws invalid actions at the environment, so a rejected action that corrupts the state shows as a difference.
            var first = Trajectory(env, probeInvalidActions: true);
            IEnv<TObs, TAct>? other = makeAnother?.Invoke();
            try
            {
                var second = Trajectory(other ?? env, probeInvalidActions: false);
                string which = other is null ? "two seeded runs of the same instance" : "two instances with the same seed";
                for (int k = 0; k < first.Count; k++)
                {
                    if (first[k].Equals(second[k])) continue;
                    return $"{which} differ (Reset(seed: {_seed}), actions sampled with seed {_seed}, later episodes reset without a seed): " +
                           $"run 1 at {first[k]}; run 2 at {second[k]}" +
                           (k >= 2 ? " (run 1 was also sent invalid actions before its second step: a rejected action must not change the state)" : "");
                }
                return null;
            }
            finally
            {
                other?.Dispose();
            }
        }

        private List<Transition> Trajectory(IEnv<TObs, TAct> e, bool probeInvalidActions)
        {
            var steps = new List<Transition>();
            int episode = 0, t = 0;
            var r = e.Reset(_seed);
            steps.Add(new Transition("the reset of episode 0", ObsSpace.Copy(r.Observation), default, 0, false, false));
            var actions = e.ActionSpace;
            actions.Seed(_seed);
            for (int n = 1; n <= options.DeterminismSteps; n++)
            {
                if (probeInvalidActions && n == 2)
                    foreach (var bad in InvalidActions(actions))
                        try { e.Step(bad); } catch (InvalidActionException) { }
                var a = actions.Sample();
                var s = e.Step(a);
                t++;
                steps.Add(new Transition($"step {t} of episode {episode}", ObsSpace.Copy(s.Observation), a, s.Reward, s.Terminated, s.Truncated));
                if (!s.Done) continue;
                episode++;
                t = 0;
                steps.Add(new Transition($"the reset of episode {episode}", ObsSpace.Copy(e.Reset().Observation), default, 0, false, false));
            }
            return steps;
        }

        private string? CheckIntoBuffer()
        {
            if (!typeof(TObs).IsArray) return "skip: observations are not arrays";
            var problems = new List<string>();
            ActSpace.Seed(_seed);
            var action = ActSpace.Sample();

            var fresh = env.Reset(_seed).Observation;
            var buffer = Sentinel(fresh);
            var into = env.Reset(_seed, null, buffer).Observation;
            if (!ReferenceEquals(into, buffer)) problems.Add("Reset(into: buffer) did not return the given buffer");
            else if (!SameValue(fresh, into)) problems.Add($"Reset(into: buffer) wrote {Fmt(into)} but Reset without a buffer returned {Fmt(fresh)}");

            env.Reset(_seed);
            var stepped = ObsSpace.Copy(env.Step(action).Observation);
            env.Reset(_seed);
            buffer = Sentinel(fresh);
            var stepInto = env.Step(action, buffer).Observation;
            if (!ReferenceEquals(stepInto, buffer)) problems.Add("Step(action, into: buffer) did not return the given buffer");
            else if (!SameValue(stepped, stepInto)) problems.Add($"Step(into: buffer) wrote {Fmt(stepInto)} but Step without a buffer returned {Fmt(stepped)}");

            // Without a buffer each call must return an array the caller may keep (Gymnasium's semantics).
            var kept = env.Reset(_seed).Observation;
            var keptCopy = ObsSpace.Copy(kept);
            var s = env.Step(action);
            if (ReferenceEquals(s.Observation, kept) || !SameValue(kept, keptCopy))
                problems.Add("Step without a buffer reused the array returned by Reset; without 'into' each call must return a new array");
            return Join(problems);
        }

        private string? CheckUntypedApi()
        {
            var problems = new List<string>();
            ActSpace.Seed(_seed);
            var action = ActSpace.Sample();
            var typedReset = ObsSpace.Copy(env.Reset(_seed).Observation);
            var typedStep = env.Step(action);
            var typedObs = ObsSpace.Copy(typedStep.Observation);
            var untypedReset = env.ResetObject(_seed).Observation;
            var untypedStep = env.StepObject(action!);
            if (!SameValue(typedReset, untypedReset)) problems.Add($"ResetObject gave {Fmt(untypedReset)} but Reset gave {Fmt(typedReset)}");
            if (!SameValue(typedObs, untypedStep.Observation) || typedStep.Reward != untypedStep.Reward
                || typedStep.Terminated != untypedStep.Terminated || typedStep.Truncated != untypedStep.Truncated)
                problems.Add($"StepObject({Fmt(action)}) gave observation {Fmt(untypedStep.Observation)}, reward {Fmt(untypedStep.Reward)} " +
                             $"but Step gave {Fmt(typedObs)}, reward {Fmt(typedStep.Reward)}");
            return Join(problems);
        }

        private string? CheckResetOptions()
        {
            var bad = OptionSet.Of((UnknownOptionKey, 1));
            try
            {
                env.Reset(_seed, bad);
                return $"Reset accepted the unknown option '{UnknownOptionKey}'; unknown reset options must throw an ArgumentException naming the key";
            }
            catch (ArgumentException e)
            {
                if (!e.Message.Contains(UnknownOptionKey, StringComparison.Ordinal))
                    return $"Reset rejected the unknown option '{UnknownOptionKey}' but the message does not name it: {e.Message}";
            }
            var after = ObsSpace.Copy(env.Reset(_seed).Observation);
            if (!ObsSpace.Contains(after)) return "Reset after a rejected option returned an observation outside the observation space";
            // Empty options mean no options (Gymnasium: reset(options={})).
            var empty = env.Reset(_seed, OptionSet.Empty).Observation;
            return SameValue(after, empty) ? null
                : $"Reset(seed: {_seed}, options: empty) gave {Fmt(empty)} but Reset(seed: {_seed}) gave {Fmt(after)}; empty options must mean no options";
        }

        private static string? ExpectThrows<TException>(Action action, string what) where TException : Exception
        {
            try
            {
                action();
            }
            catch (TException)
            {
                return null;
            }
            catch (Exception e)
            {
                return $"{what} threw {e.GetType().Name} instead of {typeof(TException).Name}: {e.Message}";
            }
            return $"{what} did not throw; expected {typeof(TException).Name}";
        }

        private static string? Join(List<string> problems) => problems.Count == 0 ? null : string.Join("; ", problems);

        private readonly record struct Transition(string Where, TObs Observation, TAct? Action, double Reward, bool Terminated, bool Truncated)
        {
            public bool Equals(Transition other) =>
                Where == other.Where && SameValue(Observation, other.Observation) && SameValue(Action, other.Action) && Reward.Equals(other.Reward)
                && Terminated == other.Terminated && Truncated == other.Truncated;

            public override int GetHashCode() => HashCode.Combine(Reward, Terminated, Truncated);

            public override string ToString() => Where.StartsWith("the reset", StringComparison.Ordinal)
                ? $"{Where}: observation {Fmt(Observation)}"
                : $"{Where}: action {Fmt(Action)}, observation {Fmt(Observation)}, reward {Fmt(Reward)}, terminated {Terminated}, truncated {Truncated}";
        }
    }

    private static string Fmt(object? value) => Space.FormatValue(value);

    // An array of the observation's type and length filled with an unlikely value, so unwritten elements show.
    private static TObs Sentinel<TObs>(TObs like)
    {
        object filled = like switch
        {
            float[] f => Enumerable.Repeat(-12345.678f, f.Length).ToArray(),
            double[] d => Enumerable.Repeat(-12345.678, d.Length).ToArray(),
            byte[] b => Enumerable.Repeat((byte)0xA5, b.Length).ToArray(),
            int[] i => Enumerable.Repeat(-12345, i.Length).ToArray(),
            Array a => Array.CreateInstance(a.GetType().GetElementType()!, a.Length),
            _ => throw new ArgumentException($"not an array: {like?.GetType().Name}"),
        };
        return (TObs)filled;
    }

    // Values just outside the space (or of a wrong shape); the environment must reject each.
    private static IEnumerable<TAct> InvalidActions<TAct>(Space<TAct> space)
    {
        var candidates = new List<object>();
        switch (space)
        {
            case Discrete d:
                candidates.Add(d.Start + d.N);
                candidates.Add(d.Start - 1);
                break;
            case Box<float> b:
                candidates.Add(new float[b.Size + 1]);
                var nanF = Inside(b);
                nanF[0] = float.NaN;
                candidates.Add(nanF);
                if (b.High[0] < float.MaxValue)
                {
                    var above = Inside(b);
                    above[0] = b.High[0] + Math.Max(1f, Math.Abs(b.High[0]));
                    candidates.Add(above);
                }
                break;
            case Box<double> b:
                candidates.Add(new double[b.Size + 1]);
                var nanD = Inside(b);
                nanD[0] = double.NaN;
                candidates.Add(nanD);
                break;
            case Box<byte> b:
                candidates.Add(new byte[b.Size + 1]);
                break;
            case MultiDiscrete m:
                candidates.Add(new int[m.Nvec.Length + 1]);
                var over = m.Start.ToArray();
                over[0] = m.Start[0] + m.Nvec[0];
                candidates.Add(over);
                break;
            case MultiBinary mb:
                candidates.Add(new byte[mb.Size + 1]);
                var two = new byte[mb.Size];
                two[0] = 2;
                candidates.Add(two);
                break;
        }
        return candidates.OfType<TAct>().ToList();
    }

    // A member of the box built without sampling (sampling would advance the space's generator and change the run).
    private static T[] Inside<T>(Box<T> box) where T : unmanaged, System.Numerics.INumber<T>
    {
        var v = new T[box.Size];
        for (int i = 0; i < v.Length; i++) v[i] = T.Clamp(T.Zero, box.Low[i], box.High[i]);
        return v;
    }

    /// <summary>Deep equality for space values: arrays element by element, dictionaries key by key (NaN equals NaN).</summary>
    internal static bool SameValue(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        if (a is Array x && b is Array y)
        {
            if (x.GetType() != y.GetType() || x.Length != y.Length) return false;
            for (int i = 0; i < x.Length; i++)
                if (!SameValue(x.GetValue(i), y.GetValue(i))) return false;
            return true;
        }
        if (a is IReadOnlyDictionary<string, object> da && b is IReadOnlyDictionary<string, object> db)
            return da.Count == db.Count && da.All(p => db.TryGetValue(p.Key, out var v) && SameValue(p.Value, v));
        if (a is IEnumerable && a is not string) return false;
        return a.Equals(b);
    }
}
