using System.Numerics;
using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>How <see cref="FrameStack{T, TAct}"/> fills the stack at the start of an episode.</summary>
public enum FramePadding
{
    /// <summary>Copies of the first observation (Gymnasium's <c>padding_type="reset"</c>, the default).</summary>
    Reset,
    /// <summary>Zeros, moved into the bounds where a bound excludes zero (Gymnasium's <c>padding_type="zero"</c>).</summary>
    Zero,
}

/// <summary>
/// Stacks the last <see cref="StackSize"/> observations into one array of shape <c>(k, ...inner shape)</c>, oldest first
/// (Gymnasium's <c>FrameStackObservation</c>), so that a memoryless policy sees motion, e.g. in pixel observations.
/// After a reset the stack holds <c>k - 1</c> padding frames followed by the first observation.
/// </summary>
/// <remarks>
/// Works for any <see cref="Box{T}"/> observation (<c>float[]</c> features, <c>byte[]</c> pixels). The inner environment
/// writes each observation straight into the wrapper's ring of frames, and the stack is copied into the caller's
/// <c>into</c> buffer when one is given, so a step then allocates nothing.
/// </remarks>
/// <typeparam name="T">The element type of the observations (<c>float</c>, <c>double</c> or <c>byte</c>).</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class FrameStack<T, TAct> : Wrapper<T[], TAct> where T : unmanaged, INumber<T>
{
    private readonly Box<T> _observationSpace;
    private readonly T[][] _frames;
    private readonly T[] _zeroFrame;
    private readonly int _frameSize;
    private int _newest;

    /// <summary>Wraps <paramref name="inner"/>, whose observation space must be a <see cref="Box{T}"/>.</summary>
    /// <param name="inner">The environment to wrap.</param>
    /// <param name="stackSize">How many observations to stack (k); at least 1.</param>
    /// <param name="padding">How the stack is filled at reset.</param>
    /// <exception cref="ArgumentException">If the observation space is not a <c>Box&lt;T&gt;</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="stackSize"/> is not positive or the padding is unknown.</exception>
    public FrameStack(IEnv<T[], TAct> inner, int stackSize, FramePadding padding = FramePadding.Reset) : base(inner)
    {
        var box = inner.ObservationSpace as Box<T>
            ?? throw new ArgumentException(
                $"{inner.Name}: FrameStack needs a Box<{typeof(T).Name}> observation space, not {inner.ObservationSpace}.", nameof(inner));
        if (stackSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(stackSize), stackSize, $"{inner.Name}: FrameStack needs a positive stack size.");
        if (!Enum.IsDefined(padding))
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{inner.Name}: unknown FrameStack padding.");
        StackSize = stackSize;
        Padding = padding;
        _frameSize = box.Size;
        _frames = new T[stackSize][];
        for (int i = 0; i < stackSize; i++) _frames[i] = new T[_frameSize];

        var low = new T[stackSize * _frameSize];
        var high = new T[stackSize * _frameSize];
        for (int i = 0; i < stackSize; i++)
        {
            box.Low.CopyTo(low.AsSpan(i * _frameSize));
            box.High.CopyTo(high.AsSpan(i * _frameSize));
        }
        _observationSpace = new Box<T>(low, high, [stackSize, .. box.Shape]);

        _zeroFrame = new T[_frameSize];
        box.Clip(_zeroFrame);
    }

    /// <summary>How many observations are stacked.</summary>
    public int StackSize { get; }

    /// <summary>How the stack is filled at reset.</summary>
    public FramePadding Padding { get; }

    /// <inheritdoc />
    public override Space<T[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override ResetResult<T[]> Reset(int? seed = null, OptionSet? options = null, T[]? into = null)
    {
        CheckBuffer(into);
        var r = Inner.Reset(seed, options, _frames[0]);
        Keep(r.Observation, 0);
        _newest = 0;
        var pad = Padding == FramePadding.Reset ? _frames[0] : _zeroFrame;
        for (int i = 1; i < StackSize; i++) pad.CopyTo(_frames[i], 0);
        return r with { Observation = WriteStack(into) };
    }

    /// <inheritdoc />
    public override StepResult<T[]> Step(TAct action, T[]? into = null)
    {
        CheckBuffer(into);
        int slot = _newest + 1 == StackSize ? 0 : _newest + 1;
        var r = Inner.Step(action, _frames[slot]);
        Keep(r.Observation, slot);
        _newest = slot;
        return r with { Observation = WriteStack(into) };
    }

    // The inner environment normally wrote into the slot already; copy when it returned another array.
    private void Keep(T[] observation, int slot)
    {
        if (ReferenceEquals(observation, _frames[slot])) return;
        if (observation.Length != _frameSize)
            throw new InvalidOperationException(
                $"{Name}: the inner observation has {observation.Length} elements but {Inner.ObservationSpace} needs {_frameSize}.");
        observation.CopyTo(_frames[slot], 0);
    }

    // Checked before the inner environment moves, so a bad buffer leaves the episode untouched.
    private void CheckBuffer(T[]? into)
    {
        if (into is not null && into.Length != StackSize * _frameSize)
            throw new ArgumentException(
                $"{Name}: the observation buffer has {into.Length} elements but {_observationSpace} needs {StackSize * _frameSize}.", nameof(into));
    }

    private T[] WriteStack(T[]? into)
    {
        var stack = into ?? new T[StackSize * _frameSize];
        for (int i = 0; i < StackSize; i++)
        {
            int slot = (_newest + 1 + i) % StackSize; // oldest first
            _frames[slot].CopyTo(stack, i * _frameSize);
        }
        return stack;
    }
}
