using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Maps continuous actions affinely from <c>[min, max]</c> to the inner action space's bounds <c>[low, high]</c>
/// (Gymnasium's <c>RescaleAction</c>): <c>low + (high - low) * (a - min) / (max - min)</c> per element, so a policy can act in
/// e.g. <c>[-1, 1]</c> whatever the environment's units. The action space becomes <c>Box(min, max, same shape, float32)</c>,
/// and actions outside it are rejected. The caller's array is not modified (see <see cref="BoxActionWrapper{TObs}"/>).
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
public sealed class RescaleAction<TObs> : BoxActionWrapper<TObs>
{
    private readonly Box<float> _actionSpace;
    private readonly double[] _min;
    private readonly double[] _scale;

    /// <summary>Wraps <paramref name="inner"/> so that actions range over <c>[min, max]</c> in every element.</summary>
    /// <exception cref="ArgumentException">If the inner action space is not a bounded <c>Box&lt;float&gt;</c>, or min &gt;= max.</exception>
    public RescaleAction(IEnv<TObs, float[]> inner, float min = -1f, float max = 1f)
        : this(inner, Fill(inner, min), Fill(inner, max)) { }

    /// <summary>Wraps <paramref name="inner"/> so that element i of an action ranges over <c>[min[i], max[i]]</c>.</summary>
    /// <exception cref="ArgumentException">
    /// If the inner action space is not a bounded <c>Box&lt;float&gt;</c>, the arrays do not match its size, or some
    /// min[i] &gt;= max[i] or is not finite.
    /// </exception>
    public RescaleAction(IEnv<TObs, float[]> inner, float[] min, float[] max) : base(inner)
    {
        var box = InnerActionSpace;
        if (!box.IsBounded)
            throw new ArgumentException($"{inner.Name}: RescaleAction needs a bounded action space, but {box} has an infinite bound.", nameof(inner));
        int n = box.Size;
        if (min.Length != n || max.Length != n)
            throw new ArgumentException($"{inner.Name}: RescaleAction min and max have {min.Length} and {max.Length} elements but {box} has {n}.");
        for (int i = 0; i < n; i++)
        {
            if (!float.IsFinite(min[i]) || !float.IsFinite(max[i]) || !(min[i] < max[i]))
                throw new ArgumentException(
                    $"{inner.Name}: RescaleAction needs finite min[{i}] < max[{i}], got [{Space.FormatValue(min[i])}, {Space.FormatValue(max[i])}].");
        }
        _actionSpace = new Box<float>(min, max, [.. box.Shape]);
        _min = new double[n];
        _scale = new double[n];
        for (int i = 0; i < n; i++)
        {
            _min[i] = min[i];
            _scale[i] = (box.HighAt(i) - box.LowAt(i)) / ((double)max[i] - min[i]);
        }
    }

    private static float[] Fill(IEnv<TObs, float[]> inner, float value)
    {
        var a = new float[InnerBox(inner, typeof(RescaleAction<TObs>)).Size];
        Array.Fill(a, value);
        return a;
    }

    /// <summary>The box <c>[min, max]</c> of the inner action space's shape.</summary>
    public override Space<float[]> ActionSpace => _actionSpace;

    /// <inheritdoc />
    protected override void Map(ReadOnlySpan<float> action, Span<float> innerAction)
    {
        for (int i = 0; i < innerAction.Length; i++)
            innerAction[i] = (float)(InnerActionSpace.LowAt(i) + _scale[i] * (action[i] - _min[i]));
    }
}
