using System.Numerics;
using Rl.Core.Spaces;

namespace Rl.Agents.Rollouts;

/// <summary>
/// Converts between the agents' form of an action, a row of <see cref="Width"/> floats, and a value of an environment's
/// action space, without boxing. The row form is the one every policy writes: for <see cref="Discrete"/> the 0-based index
/// (the space's start is added here), for <see cref="MultiDiscrete"/> one 0-based index per element, for
/// <see cref="MultiBinary"/> one 0/1 per element (a value of at least 0.5 is 1), for a <see cref="Box{T}"/> the values, clipped
/// into the bounds here (policies store unclipped samples so their log-probabilities stay exact).
/// </summary>
public abstract class ActionRows
{
    /// <summary>Floats per action row.</summary>
    public abstract int Width { get; }

    /// <summary>The action space.</summary>
    public abstract Space Space { get; }

    /// <summary>The converter for <paramref name="space"/>.</summary>
    /// <exception cref="NotSupportedException">For spaces other than Discrete, MultiDiscrete, MultiBinary and numeric Box, naming the space.</exception>
    public static ActionRows<TAct> For<TAct>(Space<TAct> space)
    {
        ArgumentNullException.ThrowIfNull(space);
        ActionRows rows = space switch
        {
            Discrete d => new DiscreteRows(d),
            MultiDiscrete m => new MultiDiscreteRows(m),
            MultiBinary b => new MultiBinaryRows(b),
            Box<float> b => new BoxRows<float>(b),
            Box<double> b => new BoxRows<double>(b),
            Box<int> b => new BoxRows<int>(b),
            Box<long> b => new BoxRows<long>(b),
            Box<byte> b => new BoxRows<byte>(b),
            _ => throw new NotSupportedException($"the rollout engine supports Discrete, MultiDiscrete, MultiBinary and numeric Box action spaces, not {space}"),
        };
        return (ActionRows<TAct>)rows;
    }

    /// <summary>Converts a row to a boxed action (for code that only has an <see cref="Rl.Core.IEnv"/>; allocates).</summary>
    public abstract object DecodeObject(ReadOnlySpan<float> row);
}

/// <summary>The typed converter of <see cref="ActionRows"/>.</summary>
/// <typeparam name="TAct">The action type of the space.</typeparam>
public abstract class ActionRows<TAct> : ActionRows
{
    /// <summary>A reusable action value (an array for array-valued spaces) to pass to <see cref="Decode"/>.</summary>
    public abstract TAct CreateBuffer();

    /// <summary>Writes the action of <paramref name="row"/> into <paramref name="buffer"/> (array spaces) and returns it.</summary>
    public abstract TAct Decode(ReadOnlySpan<float> row, TAct buffer);

    /// <summary>Writes the row form of <paramref name="action"/> (for demonstrations and expert labels).</summary>
    public abstract void Encode(TAct action, Span<float> row);

    /// <inheritdoc />
    public sealed override object DecodeObject(ReadOnlySpan<float> row) => Decode(row, CreateBuffer())!;
}

internal sealed class DiscreteRows(Discrete space) : ActionRows<int>
{
    public override int Width => 1;
    public override Space Space => space;
    public override int CreateBuffer() => space.Start;
    public override int Decode(ReadOnlySpan<float> row, int buffer) => space.Start + (int)row[0];
    public override void Encode(int action, Span<float> row) => row[0] = action - space.Start;
}

internal sealed class MultiDiscreteRows(MultiDiscrete space) : ActionRows<int[]>
{
    public override int Width => space.Nvec.Length;
    public override Space Space => space;
    public override int[] CreateBuffer() => new int[Width];

    public override int[] Decode(ReadOnlySpan<float> row, int[] buffer)
    {
        var start = space.Start;
        for (int i = 0; i < buffer.Length; i++) buffer[i] = start[i] + (int)row[i];
        return buffer;
    }

    public override void Encode(int[] action, Span<float> row)
    {
        var start = space.Start;
        for (int i = 0; i < action.Length; i++) row[i] = action[i] - start[i];
    }
}

internal sealed class MultiBinaryRows(MultiBinary space) : ActionRows<byte[]>
{
    public override int Width => space.Size;
    public override Space Space => space;
    public override byte[] CreateBuffer() => new byte[Width];

    public override byte[] Decode(ReadOnlySpan<float> row, byte[] buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = row[i] >= 0.5f ? (byte)1 : (byte)0;
        return buffer;
    }

    public override void Encode(byte[] action, Span<float> row)
    {
        for (int i = 0; i < action.Length; i++) row[i] = action[i];
    }
}

internal sealed class BoxRows<T>(Box<T> space) : ActionRows<T[]> where T : unmanaged, INumber<T>
{
    public override int Width => space.Size;
    public override Space Space => space;
    public override T[] CreateBuffer() => new T[Width];

    public override T[] Decode(ReadOnlySpan<float> row, T[] buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = T.CreateSaturating(row[i]);
        space.Clip(buffer);
        return buffer;
    }

    public override void Encode(T[] action, Span<float> row)
    {
        for (int i = 0; i < action.Length; i++) row[i] = float.CreateSaturating(action[i]);
    }
}
