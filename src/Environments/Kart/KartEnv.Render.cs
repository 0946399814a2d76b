using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Wrappers;

namespace Rl.Environments.Kart;

public abstract partial class KartEnvBase<TAct> : IRenderable
{
    /// <summary>
    /// Describes the picture <see cref="Camera"/> selects: the egocentric view (<see cref="KartView.DescribeEgocentric"/>,
    /// native 256 x 256, what the pixel observations show) or the whole track (<see cref="KartView.DescribeTrack"/>, 600 x 600).
    /// Before the first reset (no track yet) the frame is empty.
    /// </summary>
    public void DescribeScene(Scene scene)
    {
        if (Camera == KartCamera.Track) KartView.DescribeTrack(Race, scene);
        else KartView.DescribeEgocentric(Race, scene);
    }
}

/// <summary>
/// Shows people the whole track while the environment underneath keeps its own picture: an outermost
/// <see cref="IRenderable"/> (found first by <see cref="Renderable.Find"/>), so <c>rl watch</c>, render modes and videos draw
/// the track view, while a pixel-observation wrapper inside still renders the egocentric view. Used by <c>Kart-v0</c> and
/// <c>KartDiscrete-v0</c>; carries the registry's spec, so its name is the pixel id.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class KartTrackView<TObs, TAct> : Wrapper<TObs, TAct>, IRenderable, ISpecHolder, IEnv
{
    private readonly KartRace _race;
    private EnvSpec? _spec;

    /// <summary>Wraps a kart environment (under any wrappers).</summary>
    /// <exception cref="ArgumentException">If <paramref name="inner"/> is not a kart environment.</exception>
    public KartTrackView(IEnv<TObs, TAct> inner) : base(inner) => _race = KartExpert.RaceOf(inner);

    /// <summary>The registry entry this environment was made from (the pixel id), else the inner one.</summary>
    public new EnvSpec? Spec => _spec ?? Inner.Spec;

    EnvSpec? IEnv.Spec => Spec;

    EnvSpec? ISpecHolder.Spec
    {
        get => _spec;
        set => _spec = value;
    }

    /// <inheritdoc />
    public override string Name => _spec?.Id ?? Inner.Name;

    /// <summary>Describes the whole track (<see cref="KartView.DescribeTrack"/>).</summary>
    public void DescribeScene(Scene scene) => KartView.DescribeTrack(_race, scene);
}
