using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Clips continuous actions into the inner action space's bounds (Gymnasium's <c>ClipAction</c>), so that a Gaussian policy's
/// unbounded samples can be sent as they are. The action space becomes <c>Box(-inf, inf, same shape, float32)</c>: any action of
/// the right length is accepted (infinities clip to the bounds), but NaN is still rejected, because a NaN action is a bug
/// upstream, not a value to clamp. The caller's array is not modified (see <see cref="BoxActionWrapper{TObs}"/>).
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
public sealed class ClipAction<TObs> : BoxActionWrapper<TObs>
{
    private readonly Box<float> _actionSpace;

    /// <summary>Wraps <paramref name="inner"/>, whose action space must be a float32 <see cref="Box{T}"/>.</summary>
    /// <exception cref="ArgumentException">If the action space is not a <c>Box&lt;float&gt;</c>.</exception>
    public ClipAction(IEnv<TObs, float[]> inner) : base(inner) =>
        _actionSpace = new Box<float>(float.NegativeInfinity, float.PositiveInfinity, [.. InnerActionSpace.Shape]);

    /// <summary>The unbounded box of the inner action space's shape.</summary>
    public override Space<float[]> ActionSpace => _actionSpace;

    /// <inheritdoc />
    protected override void Map(ReadOnlySpan<float> action, Span<float> innerAction) => action.CopyTo(innerAction); // the base clips
}
