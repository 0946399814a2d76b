namespace Rl.Core.Wrappers;

/// <summary>Implemented by wrappers whose reset may continue the game instead of restarting it (<see cref="EpisodicLife{TObs, TAct}"/>).</summary>
public interface IContinuingReset
{
    /// <summary>Whether the last reset restarted the inner environment (false: it continued after a lost life).</summary>
    bool LastResetWasReal { get; }
}

/// <summary>
/// Episodic life (Mnih et al. 2015; SB3's <c>EpisodicLifeEnv</c>), for training only: losing a life (the info's
/// <c>lives</c> count going down) ends the episode as <em>terminated</em>, so value estimates see the loss, while the game
/// goes on: the reset right after that returns the observation where the life was lost, without resetting the inner
/// environment (its seed is ignored). Any other reset restarts the game. Evaluate on the unwrapped game, whose episodes keep
/// all lives.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class EpisodicLife<TObs, TAct> : Wrapper<TObs, TAct>, IContinuingReset
{
    private bool _continuePending;
    private int _lives;
    private TObs? _lastObservation;
    private Info _lastInfo = Info.Empty;

    /// <summary>Wraps <paramref name="inner"/>, whose info must carry an int <c>lives</c> (<paramref name="livesKey"/>).</summary>
    public EpisodicLife(IEnv<TObs, TAct> inner, string livesKey = "lives") : base(inner) => LivesKey = livesKey;

    /// <summary>The info key with the lives count.</summary>
    public string LivesKey { get; }

    /// <inheritdoc />
    public bool LastResetWasReal { get; private set; }

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        LastResetWasReal = !_continuePending;
        if (_continuePending)
        {
            _continuePending = false;
            var observation = _lastObservation!;
            if (into is not null && observation is Array source && into is Array dest)
            {
                Array.Copy(source, dest, source.Length);
                observation = into;
            }
            return new ResetResult<TObs>(observation, _lastInfo);
        }
        var r = Inner.Reset(seed, options, into);
        _lives = Lives(r.Info);
        return r;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action, into);
        int lives = Lives(r.Info);
        bool lifeLost = lives < _lives && lives > 0;
        _lives = lives;
        if (!lifeLost || r.Done) return r;
        _lastObservation = (TObs)Inner.ObservationSpace.CopyObject(r.Observation!);
        _lastInfo = r.Info;
        _continuePending = true;
        return r with { Terminated = true };
    }

    private int Lives(Info info) => info.TryGet<int>(LivesKey, out int lives)
        ? lives
        : throw new InvalidOperationException($"{Name}: EpisodicLife needs an int '{LivesKey}' in the info; keys: [{string.Join(", ", info.Keys)}]");
}
