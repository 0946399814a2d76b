using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

/// <summary>
/// A game with lives for the pixel-game wrapper tests: the observation is [t, lives] as bytes after t steps, reward t; a life
/// is lost at every step listed in <c>lossAt</c>, and the game terminates when the lives reach 0.
/// </summary>
internal sealed class LivesEnv(int lives, params int[] lossAt) : Env<byte[], int>
{
    private int _t, _lives;

    public int Resets { get; private set; }

    public List<int> Actions { get; } = [];

    public override Space<byte[]> ObservationSpace { get; } = new Box<byte>(0, 255, 2);

    public override Space<int> ActionSpace { get; } = new Discrete(3);

    protected override ResetResult<byte[]> ResetCore(OptionSet options, byte[]? into)
    {
        (_t, _lives) = (0, lives);
        Resets++;
        return new ResetResult<byte[]>(Write(into), Info.Of(("lives", _lives)));
    }

    protected override StepResult<byte[]> StepCore(int action, byte[]? into)
    {
        _t++;
        Actions.Add(action);
        if (lossAt.Contains(_t)) _lives--;
        return new StepResult<byte[]>(Write(into), _t, _lives == 0, false, Info.Of(("lives", _lives)));
    }

    private byte[] Write(byte[]? into)
    {
        var o = into ?? new byte[2];
        (o[0], o[1]) = ((byte)Math.Min(_t, 255), (byte)_lives);
        return o;
    }
}

public class MaxAndSkipTests
{
    [Fact]
    public void SumsRewardsAndMaxPoolsTheLastTwoFrames()
    {
        // ScriptedEnv: frames alternate between [9, 0] and [0, 9] (t odd / even), as a game drawing on alternate frames.
        var inner = new ScriptedEnv<float[]>(new Box<float>(0, 10, 2), t => t % 2 == 1 ? [9f, 0f] : [0f, 9f + t / 100f]);
        var env = new MaxAndSkip<float[], int>(inner, 4);
        env.Reset();
        var r = env.Step(0);
        Assert.Equal([9f, 9.04f], r.Observation); // max of frame 3 [9, 0] and frame 4 [0, 9.04]
        var counting = new CountingEnv<float>(terminateAt: 6);
        var skip = new MaxAndSkip<float[], int>(counting, 4);
        skip.Reset();
        Assert.Equal(1 + 2 + 3 + 4, skip.Step(1).Reward);
        var end = skip.Step(1);
        Assert.True(end.Terminated);
        Assert.Equal(5 + 6, end.Reward); // stopped at the end of the episode
        Assert.Equal(counting.Expected(6).Select(v => (float)v), end.Observation);
    }

    [Fact]
    public void RejectsANonPositiveSkip()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MaxAndSkip<float[], int>(new CountingEnv<float>(), 0));
        Assert.Contains("frame_skip", e.Message);
    }
}

public class EpisodicLifeTests
{
    [Fact]
    public void ALostLifeTerminatesTheEpisodeButTheGameGoesOn()
    {
        var game = new LivesEnv(3, 2, 4, 5);
        var env = new EpisodicLife<byte[], int>(game);
        env.Reset(seed: 1);
        Assert.True(env.LastResetWasReal);
        Assert.False(env.Step(0).Terminated);
        var lost = env.Step(0);
        Assert.True(lost.Terminated);
        // The reset continues the game where the life was lost (seed ignored), without resetting it.
        var r = env.Reset(seed: 2);
        Assert.False(env.LastResetWasReal);
        Assert.Equal([2, 2], r.Observation);
        Assert.Equal(1, game.Resets);
        env.Step(0);
        Assert.True(env.Step(0).Terminated); // second life lost at t = 4
        env.Reset();
        var over = env.Step(0); // last life lost at t = 5: the game is over
        Assert.True(over.Terminated);
        env.Reset();
        Assert.True(env.LastResetWasReal);
        Assert.Equal(2, game.Resets);
    }
}

public class NoopResetTests
{
    [Fact]
    public void TakesBetweenOneAndNoopMaxNoopsSeededByTheResetSeed()
    {
        var counts = new HashSet<int>();
        for (int seed = 0; seed < 40; seed++)
        {
            var game = new LivesEnv(3);
            var env = new NoopReset<byte[], int>(game, 5, 0);
            var r = env.Reset(seed: seed);
            Assert.InRange(r.Observation[0], 1, 5);
            Assert.All(game.Actions, a => Assert.Equal(0, a));
            counts.Add(r.Observation[0]);
            var again = new NoopReset<byte[], int>(new LivesEnv(3), 5, 0);
            Assert.Equal(r.Observation[0], again.Reset(seed: seed).Observation[0]);
        }
        Assert.Equal(5, counts.Count);
    }

    [Fact]
    public void RejectsANoopOutsideTheActionSpace() =>
        Assert.Contains("no-op action 7", Assert.Throws<ArgumentException>(() => new NoopReset<byte[], int>(new LivesEnv(3), 5, 7)).Message);
}

public class StickyActionsTests
{
    [Fact]
    public void RepeatsThePreviousActionWithTheGivenProbability()
    {
        var game = new LivesEnv(3);
        var env = new StickyActions<byte[], int>(game, 0.25);
        env.Reset(seed: 3);
        for (int i = 0; i < 4000; i++) env.Step(i % 2 == 0 ? 1 : 2);
        Assert.Equal(1, game.Actions[0]);
        // Given actions alternate, so a step takes another action than the one given exactly when it sticks and the previous
        // step took its own given action: m = p (1 − m), m = p / (1 + p) = 0.2 in the long run.
        int changed = game.Actions.Select((a, i) => a != (i % 2 == 0 ? 1 : 2)).Count(c => c);
        Assert.InRange(changed / 4000.0, 0.17, 0.23);
        var replay = new LivesEnv(3);
        var same = new StickyActions<byte[], int>(replay, 0.25);
        same.Reset(seed: 3);
        for (int i = 0; i < 4000; i++) same.Step(i % 2 == 0 ? 1 : 2);
        Assert.Equal(game.Actions, replay.Actions);
    }

    [Fact]
    public void ApplyBuildsTheChainAndStacksFrames()
    {
        var env = GameWrappers.Apply(new LivesEnv(3), new GameWrapperOptions { FrameSkip = 2, NoopMax = 3, StickyActions = 0.1, FrameStack = 4 });
        Assert.Equal([4, 2], env.ObservationSpace.Shape);
        Assert.IsType<FrameStack<byte, int>>(env);
    }
}
