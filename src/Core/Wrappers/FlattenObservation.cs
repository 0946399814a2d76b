using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Turns observations of any space into flat float32 vectors of length <see cref="Space.FlatDim"/> with
/// <see cref="Space{T}.Flatten"/> (Gymnasium's <c>FlattenObservation</c>): boxes are copied in row-major order, discrete parts
/// become one-hot vectors, tuples and dictionaries (in key order) are concatenated. The observation space becomes a
/// <c>Box&lt;float&gt;</c> with the flattened bounds ([0, 1] for one-hot and binary parts).
/// </summary>
/// <remarks>
/// The flat vector is written into the caller's <c>into</c> buffer when given. For array observations the wrapper also
/// hands the inner environment its previous observation array back as a buffer (the array never leaves the wrapper), so
/// with an <c>into</c> buffer a step allocates nothing.
/// </remarks>
/// <typeparam name="TInnerObs">The inner environment's observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class FlattenObservation<TInnerObs, TAct> : Wrapper<float[], TAct, TInnerObs, TAct>
{
    private static readonly bool InnerObservationIsArray = typeof(TInnerObs).IsArray;

    private readonly Box<float> _observationSpace;
    private readonly int _flatDim;
    private TInnerObs? _innerBuffer;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentException">If the observation space flattens to zero elements.</exception>
    public FlattenObservation(IEnv<TInnerObs, TAct> inner) : base(inner)
    {
        var space = inner.ObservationSpace;
        _flatDim = space.FlatDim;
        if (_flatDim <= 0)
            throw new ArgumentException($"{inner.Name}: the observation space {space} flattens to {_flatDim} elements.", nameof(inner));
        var low = new float[_flatDim];
        var high = new float[_flatDim];
        FlatBounds(space, low, high);
        _observationSpace = new Box<float>(low, high, [_flatDim]);
    }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<TAct> ActionSpace => Inner.ActionSpace;

    /// <inheritdoc />
    public override ResetResult<float[]> Reset(int? seed = null, OptionSet? options = null, float[]? into = null)
    {
        CheckBuffer(into);
        var r = Inner.Reset(seed, options, _innerBuffer);
        return new ResetResult<float[]>(Flatten(r.Observation, into), r.Info);
    }

    /// <inheritdoc />
    public override StepResult<float[]> Step(TAct action, float[]? into = null)
    {
        CheckBuffer(into);
        var r = Inner.Step(action, _innerBuffer);
        return new StepResult<float[]>(Flatten(r.Observation, into), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    private float[] Flatten(TInnerObs observation, float[]? into)
    {
        var flat = into ?? new float[_flatDim];
        Inner.ObservationSpace.Flatten(observation, flat);
        if (InnerObservationIsArray) _innerBuffer = observation;
        return flat;
    }

    // Checked before the inner environment moves, so a bad buffer leaves the episode untouched.
    private void CheckBuffer(float[]? into)
    {
        if (into is not null && into.Length != _flatDim)
            throw new ArgumentException(
                $"{Name}: the observation buffer has {into.Length} elements but {_observationSpace} needs {_flatDim}.", nameof(into));
    }

    // The bounds of the flattened space, as Gymnasium's flatten_space: boxes keep theirs, one-hot and binary parts are [0, 1].
    private static void FlatBounds(Space space, Span<float> low, Span<float> high)
    {
        switch (space)
        {
            case IBox box:
                for (int i = 0; i < box.Size; i++)
                {
                    low[i] = (float)box.LowAt(i);
                    high[i] = (float)box.HighAt(i);
                }
                break;
            case Discrete or MultiDiscrete or MultiBinary:
                low[..space.FlatDim].Fill(0f);
                high[..space.FlatDim].Fill(1f);
                break;
            case TupleSpace tuple:
                FlatBoundsOfParts(tuple.Spaces, low, high);
                break;
            case DictSpace dict:
                FlatBoundsOfParts(dict.Spaces.Select(p => p.Value).ToList(), low, high);
                break;
            default:
                // A space this wrapper does not know: only its flat length is known.
                low[..space.FlatDim].Fill(float.NegativeInfinity);
                high[..space.FlatDim].Fill(float.PositiveInfinity);
                break;
        }
    }

    private static void FlatBoundsOfParts(IReadOnlyList<Space> parts, Span<float> low, Span<float> high)
    {
        int offset = 0;
        foreach (var part in parts)
        {
            FlatBounds(part, low.Slice(offset, part.FlatDim), high.Slice(offset, part.FlatDim));
            offset += part.FlatDim;
        }
    }
}
