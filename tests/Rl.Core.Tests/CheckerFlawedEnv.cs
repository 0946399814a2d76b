using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Core.Tests;

/// <summary>Deliberate contract violations for <see cref="FlawedEnv"/>.</summary>
[Flags]
public enum Flaw
{
    None = 0,
    ObservationOutsideSpace = 1,
    NondeterministicReset = 2,
    NoErrorAfterEnd = 4,
    AcceptsInvalidActions = 8,
    IgnoresInto = 16,
    AcceptsUnknownOptions = 32,
    CorruptsStateOnInvalidAction = 64,
    NoErrorBeforeReset = 128,
    NonFiniteReward = 256,
    IgnoresSeed = 512,
    ReseedsOnUnseededReset = 1024,
    EntropyOnUnseededReset = 2048,
    RejectsEmptyOptions = 4096,
    ThrowsOnSecondDispose = 8192,
}

/// <summary>
/// An environment written against <see cref="IEnv{TObs, TAct}"/> directly (not the checking base class) so it can break
/// the contract on purpose. Without flaws it is correct: observation [start, t] in Box(0, 1000, (2,)), Discrete(2)
/// actions, reward 1, episodes of 5 steps.
/// </summary>
public sealed class FlawedEnv(Flaw flaws) : IEnv<float[], int>
{
    private static int _unseededCounter;
    private readonly Box<float> _observationSpace = new(0f, 1000f, 2);
    private readonly Discrete _actionSpace = new(2);
    private Rng _rng = new(0);
    private int _start, _t;
    private bool _running, _everReset, _disposed;
    private int? _lastSeed;

    public string Name => $"FlawedEnv({flaws})";
    public Space<float[]> ObservationSpace => _observationSpace;
    public Space<int> ActionSpace => _actionSpace;
    Space IEnv.ObservationSpace => ObservationSpace;
    Space IEnv.ActionSpace => ActionSpace;
    public EnvMetadata Metadata => EnvMetadata.None;
    public EnvSpec? Spec => null;
    public IEnv Unwrapped => this;

    private bool Has(Flaw f) => (flaws & f) != 0;

    public ResetResult<float[]> Reset(int? seed = null, OptionSet? options = null, float[]? into = null)
    {
        if (!Has(Flaw.AcceptsUnknownOptions)) (options ?? OptionSet.Empty).EnsureOnly([], Name);
        if (Has(Flaw.RejectsEmptyOptions) && options is { Count: 0 }) throw new ArgumentException($"{Name}: options must not be empty");
        if (Has(Flaw.IgnoresSeed)) seed = 0;
        if (seed is int s) _rng = new Rng(s);
        else if (Has(Flaw.ReseedsOnUnseededReset) && _lastSeed is int last) _rng = new Rng(last);
        else if (Has(Flaw.EntropyOnUnseededReset)) _rng = Rng.FromEntropy();
        _lastSeed = seed ?? _lastSeed;
        _start = Has(Flaw.NondeterministicReset) ? Interlocked.Increment(ref _unseededCounter) % 100 : _rng.NextInt(100);
        _t = 0;
        _running = _everReset = true;
        return new(Write(into), Info.Empty);
    }

    public StepResult<float[]> Step(int action, float[]? into = null)
    {
        if (!_running && !(Has(Flaw.NoErrorAfterEnd) && _everReset) && !(Has(Flaw.NoErrorBeforeReset) && !_everReset))
            throw new ResetNeededException(Name, "reset first");
        if (!_actionSpace.Contains(action) && !Has(Flaw.AcceptsInvalidActions))
        {
            if (Has(Flaw.CorruptsStateOnInvalidAction)) _t++;
            throw new InvalidActionException(Name, _actionSpace, action, "out of range");
        }
        _t++;
        bool end = _t >= 5;
        if (end) _running = false;
        double reward = Has(Flaw.NonFiniteReward) && _t == 2 ? double.NaN : 1.0;
        var obs = Write(into);
        if (Has(Flaw.ObservationOutsideSpace) && _t == 3) obs[1] = -1f;
        return new(obs, reward, end, false, Info.Empty);
    }

    private float[] Write(float[]? into)
    {
        var obs = Has(Flaw.IgnoresInto) || into is null ? new float[2] : into;
        obs[0] = _start;
        obs[1] = _t;
        return obs;
    }

    public ResetResult<object> ResetObject(int? seed = null, OptionSet? options = null)
    {
        var r = Reset(seed, options);
        return new(r.Observation, r.Info);
    }

    public StepResult<object> StepObject(object action)
    {
        var r = Step(ActionConversion.Convert(Name, ActionSpace, action));
        return new(r.Observation, r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    public void Dispose()
    {
        if (_disposed && Has(Flaw.ThrowsOnSecondDispose)) throw new ObjectDisposedException(Name);
        _disposed = true;
    }
}
