using Rl.Core;
using Rl.Core.Input;
using Rl.Core.Spaces;
using Rl.Environments.Arcade;
using Rl.Environments.Classic;
using Rl.Environments.Kart;

namespace Rl.Environments.Tests;

public class KeyMapTests
{
    private static HashSet<Key> Held(params Key[] keys) => [.. keys];

    [Fact]
    public void CartPoleArrowsAndLettersPushAndNoKeyRepeatsTheLastPush()
    {
        var map = CartPoleEnv.Keys;
        Assert.Equal(0, map.Action(Held(Key.Left), null));
        Assert.Equal(0, map.Action(Held(Key.A), 1));
        Assert.Equal(1, map.Action(Held(Key.Right), 0));
        Assert.Equal(1, map.Action(Held(Key.D), null));
        Assert.Equal(1, map.Action(Held(), 1));
        Assert.Equal(0, map.Action(Held(), 0));
        Assert.Equal(0, map.Action(Held(), null)); // first step with no key: the first chord's action
        Assert.Equal(0, map.Action(Held(Key.Up, Key.Space), null)); // unmapped keys do nothing
    }

    [Fact]
    public void BreakoutMovesThePaddleAndStaysWithNoKey()
    {
        var map = BreakoutEnv.Keys;
        Assert.Equal(1, map.Action(Held(Key.Left), 2));
        Assert.Equal(2, map.Action(Held(Key.D), 1));
        Assert.Equal(0, map.Action(Held(), 2));
    }

    [Fact]
    public void KartContinuousActionsAreBuiltFromHeldKeys()
    {
        var map = KartKeys.Continuous;
        Assert.Equal([0f, 0f, 0f], (float[])map.Action(Held(), null));
        Assert.Equal([-1f, 1f, 0f], (float[])map.Action(Held(Key.Up, Key.Left), null));
        Assert.Equal([1f, 1f, 1f], (float[])map.Action(Held(Key.W, Key.D, Key.S), null));
        Assert.Equal([0f, 0f, 1f], (float[])map.Action(Held(Key.Left, Key.Right, Key.Down), null)); // left and right cancel
        Assert.Equal([-1f, 1f, 0f], (float[])map.Action(Held(Key.Left, Key.A, Key.Up, Key.W), null)); // two keys of one control: clipped
    }

    [Fact]
    public void KartDiscreteChordsMeanTheSameControlsAsTheContinuousMap()
    {
        Key[] keys = [Key.Left, Key.Right, Key.Up, Key.Down];
        for (int mask = 0; mask < 16; mask++)
        {
            var held = Held(keys.Where((_, i) => (mask >> i & 1) != 0).ToArray());
            if (held.Contains(Key.Left) && held.Contains(Key.Right) || held.Contains(Key.Up) && held.Contains(Key.Down)) continue;
            var continuous = (float[])KartKeys.Continuous.Action(held, null);
            int discrete = (int)KartKeys.Discrete.Action(held, null);
            var (steer, throttle, brake) = KartDiscreteEnv.ControlsOf(discrete);
            Assert.Equal(((double)continuous[0], (double)continuous[1], (double)continuous[2]), (steer, throttle, brake));
            Assert.Equal(KartDiscreteEnv.ActionOf(continuous[0], continuous[1], continuous[2]), discrete);
        }
    }

    [Theory]
    [InlineData("CartPole-v1", typeof(DiscreteKeyMap))]
    [InlineData("KartState-v0", typeof(BoxKeyMap))]
    [InlineData("KartStateDiscrete-v0", typeof(DiscreteKeyMap))]
    [InlineData("BreakoutState-v0", typeof(DiscreteKeyMap))]
    public void RegisteredGamesHaveAKeyMapWhoseActionsAreInTheirActionSpace(string id, Type mapType)
    {
        using var env = Envs.Make(id);
        var map = KeyMaps.Require(env);
        Assert.IsType(mapType, map);
        foreach (var c in map.Controls)
            Assert.True(env.ActionSpace.ContainsObject(map.Action(Held([.. c.Keys]), null)), $"{id}: {c.Name}");
        Assert.Equal(map.Controls.Count + 1, map.HelpLines().Count);
        Assert.Contains(map.HelpLines(), l => l.StartsWith("LEFT/A", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEnvironmentWithoutAKeyMapIsNamedInTheError()
    {
        using var env = new NoKeys();
        Assert.Null(KeyMaps.Find(env));
        var e = Assert.Throws<ArgumentException>(() => KeyMaps.Require(env));
        Assert.Contains("NoKeys", e.Message);
        Assert.Contains("no key map", e.Message);
    }

    [Fact]
    public void BadMapsAreRejectedWithWhatIsWrong()
    {
        var left = new KeyControl("left", Key.Left);
        var alsoLeft = new KeyControl("also left", Key.A, Key.Left);
        var e = Assert.Throws<ArgumentException>(() => new DiscreteKeyMap(new Discrete(2), [left, alsoLeft], [new KeyChord(0, left)], 0, "stay"));
        Assert.Contains("LEFT", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DiscreteKeyMap(new Discrete(2), [left], [new KeyChord(5, left)], 0, "stay"));
        Assert.Contains("5", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BoxKeyMap(new Box<float>(-1f, 1f, 2), [0f, 0f], [new KeyPush(left, 2, 1f)], "coast"));
        Assert.Contains("component 2", e.Message);
        Assert.Throws<ArgumentException>(() => new KeyControl("nothing"));
    }

    [Theory]
    [InlineData("left", Key.Left)]
    [InlineData("ESC", Key.Escape)]
    [InlineData("a", Key.A)]
    [InlineData("7", Key.D7)]
    [InlineData("ArrowUp", Key.Up)]
    [InlineData("backspace", Key.Backspace)]
    [InlineData(" Space ", Key.Space)]
    public void KeyNamesParse(string name, Key expected)
    {
        Assert.Equal(expected, KeyNames.Parse(name));
        Assert.Equal(expected, KeyNames.Parse(KeyNames.Of(expected)));
    }

    [Theory]
    [InlineData("Leftt")]
    [InlineData("1000")]
    [InlineData("")]
    public void UnknownKeyNamesAreRejectedByName(string name)
    {
        var e = Assert.Throws<FormatException>(() => KeyNames.Parse(name));
        Assert.Contains($"'{name}'", e.Message);
    }

    private sealed class NoKeys : Env<float[], int>
    {
        public override Space<float[]> ObservationSpace { get; } = new Box<float>(0f, 1f, 1);
        public override Space<int> ActionSpace { get; } = new Discrete(2);
        protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into) => new(into ?? [0f], Info.Empty);
        protected override StepResult<float[]> StepCore(int action, float[]? into) => new(into ?? [0f], 0, true, false, Info.Empty);
    }
}
