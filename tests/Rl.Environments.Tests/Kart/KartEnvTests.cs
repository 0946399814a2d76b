using System.Numerics;
using Rl.Core;
using Rl.Environments.Kart;

namespace Rl.Environments.Tests.Kart;

public class KartEnvTests
{
    public static TheoryData<int> TenTracks() => [.. Enumerable.Range(0, 10)];

    [Theory]
    [MemberData(nameof(TenTracks))]
    public void TheScriptedExpertFinishesTwoLapsCleanlyAndTheRewardSumsToTheRaceLength(int seed)
    {
        using var env = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("laps", 2), ("step_info", true)), MaxEpisodeSteps = 2000 });
        var expert = new KartExpert();
        var race = KartExpert.RaceOf(env);
        var reset = env.Reset(seed);
        double trackLength = reset.Info.Get<double>("track_length");
        double total = 0;
        int offTrackSteps = 0;
        StepResult<float[]> r;
        do
        {
            r = env.Step(expert.Act(env));
            total += r.Reward;
            if (r.Info.Get<bool>("off_track")) offTrackSteps++;
        } while (!r.Done);

        Assert.True(r.Terminated, $"seed {seed}: truncated after {race.Steps} steps at progress {race.Progress:F3}");
        Assert.Equal(2, r.Info.Get<int>("lap"));
        Assert.Equal(1.0, r.Info.Get<double>("progress"));
        Assert.Equal(0, offTrackSteps);
        Assert.Equal(2 * trackLength, total, 6);
    }

    [Theory]
    [MemberData(nameof(TenTracks))]
    public void TheExpertRoundedToDiscreteActionsFinishesALap(int seed)
    {
        using var env = Envs.Make<float[], int>(KartDiscreteEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("step_info", true)) });
        var expert = new KartExpert();
        env.Reset(seed);
        StepResult<float[]> r;
        do r = env.Step(expert.ActDiscrete(env));
        while (!r.Done);
        Assert.True(r.Terminated, $"seed {seed}: progress {r.Info.Get<double>("progress"):F3}");
    }

    [Fact]
    public void RandomDrivingDoesNotFinish()
    {
        using var env = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("step_info", true)) });
        env.ActionSpace.Seed(1);
        env.Reset(1);
        StepResult<float[]> r;
        double total = 0;
        do
        {
            r = env.Step(env.ActionSpace.Sample());
            total += r.Reward;
        } while (!r.Done);
        Assert.True(r.Truncated);
        Assert.True(r.Info.Get<double>("progress") < 0.5);
    }

    [Fact]
    public void OffTheRoadThePenaltyAppliesAndTheKartSlowsDown()
    {
        var (on, onRace) = Placed(extraOffset: null);
        var (off, offRace) = Placed(extraOffset: 2);
        var rOn = on.Step([0f, 1f, 0f]);
        var rOff = off.Step([0f, 1f, 0f]);
        Assert.False(rOn.Info.Get<bool>("off_track"));
        Assert.True(rOff.Info.Get<bool>("off_track"));
        // The reward is the progress made, less the penalty (default 0.1) off the road.
        Assert.Equal(0.1, offRace.Options.OffTrackPenalty);
        Assert.Equal(onRace.Distance - 30, rOn.Reward, 9);
        Assert.Equal(offRace.Distance - 30 - 0.1, rOff.Reward, 9);
        // Speed after one step of full throttle from 15 m/s: += dt (A - A / v_top * v), v_top 20 on the road, 8 on the grass.
        Assert.Equal(15 + 0.1 * (8 - 8.0 / 20 * 15), onRace.Speed, 9);
        Assert.Equal(15 + 0.1 * (8 - 8.0 / 8 * 15), offRace.Speed, 9);
        on.Dispose();
        off.Dispose();
    }

    [Fact]
    public void DrivingBackwardsIsPunishedAndTheWallsHold()
    {
        using var env = new KartEnv();
        env.Reset(2);
        var race = env.Race;
        var track = race.Track;
        double s = 50;
        var t = track.TangentAt(s);
        race.PlaceKart(track.PointAt(s), Math.Atan2(-t.Y, -t.X), 10, s);
        var r = env.Step([0f, 1f, 0f]);
        Assert.True(r.Reward < -0.5, $"reward {r.Reward}");
        Assert.True(race.Distance < s);

        // Full speed straight at the wall: the kart stays inside the corridor, turns along the wall and slides on.
        var left = new Vector2(-t.Y, t.X);
        race.PlaceKart(track.PointAt(s), Math.Atan2(left.Y, left.X), 20, s);
        for (int i = 0; i < 30; i++)
        {
            env.Step([0f, 1f, 0f]);
            Assert.True(Math.Abs(race.TrackPosition.Offset) <= track.HalfCorridor + 1e-3);
        }
        Assert.True(race.Distance > s + 10, $"slid only to {race.Distance} from {s}");
        Assert.True(race.Speed > 2);
    }

    [Fact]
    public void StepsReturnNoInfoByDefaultSoTheyAllocateNothingAndResetsAlwaysDo()
    {
        using var env = Envs.Make<float[], int>(KartDiscreteEnv.Id);
        var reset = env.Reset(2);
        Assert.True(reset.Info.ContainsKey("progress"));
        Assert.Same(Info.Empty, env.Step(4).Info);
        using var withInfo = Envs.Make<float[], int>(KartDiscreteEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("step_info", true)) });
        withInfo.Reset(2);
        Assert.True(withInfo.Step(4).Info.ContainsKey("speed"));
    }

    [Fact]
    public void InfoCarriesProgressSpeedOffTrackAndTheAimPoint()
    {
        using var env = new KartEnv(new KartOptions { StepInfo = true });
        var reset = env.Reset(4);
        foreach (var key in new[] { "progress", "distance", "lap", "laps", "track_length", "speed", "off_track", "aim_point", "aim_point_world", "aim_point_image" })
            Assert.True(reset.Info.ContainsKey(key), key);
        var race = env.Race;
        var aim = reset.Info.Get<float[]>("aim_point");
        // On the start line, facing the track: the aim point is about 12 m straight ahead and appears above the kart.
        Assert.InRange(aim[0], 10, 12.01);
        Assert.InRange(Math.Abs(aim[1]), 0, 3);
        var world = reset.Info.Get<float[]>("aim_point_world");
        Assert.Equal(new Vector2(aim[0], aim[1]), race.ToKartFrame(new Vector2(world[0], world[1])));
        var image = reset.Info.Get<float[]>("aim_point_image");
        Assert.InRange(image[1], -1, 0);
        Assert.Equal(0.0, reset.Info.Get<double>("progress"));

        var r = env.Step([0f, 1f, 0f]);
        Assert.Equal(race.Speed, r.Info.Get<double>("speed"));
        Assert.True(r.Info.Get<double>("progress") > 0);
        Assert.Equal(r.Reward, r.Info.Get<double>("distance"), 9);
    }

    [Fact]
    public void NormalizedRewardMakesARaceWorthOneHundred()
    {
        using var env = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("normalize_reward", true)) });
        var expert = new KartExpert();
        env.Reset(11);
        double total = 0;
        StepResult<float[]> r;
        do
        {
            r = env.Step(expert.Act(env));
            total += r.Reward;
        } while (!r.Done);
        Assert.True(r.Terminated);
        Assert.Equal(100, total, 6);
    }

    [Fact]
    public void TheSameSeedGivesTheSameEpisodeAndTheIntoBufferIsUsed()
    {
        using var a = Envs.Make<float[], float[]>(KartEnv.Id);
        using var b = Envs.Make<float[], float[]>(KartEnv.Id);
        var ra = a.Reset(9).Observation;
        var buffer = new float[KartRace.ObservationSize];
        var rb = b.Reset(9, into: buffer).Observation;
        Assert.Same(buffer, rb);
        Assert.Equal(ra, rb);
        a.ActionSpace.Seed(3);
        var actions = Enumerable.Range(0, 300).Select(_ => a.ActionSpace.Sample()).ToList();
        foreach (var act in actions)
        {
            var sa = a.Step(act);
            var sb = b.Step(act, buffer);
            Assert.Same(buffer, sb.Observation);
            Assert.Equal(sa.Observation, sb.Observation);
            Assert.Equal(sa.Reward, sb.Reward);
            Assert.True(a.ObservationSpace.Contains(sa.Observation), a.ObservationSpace.Explain(sa.Observation));
            if (sa.Done) break;
        }
        // A new reset without a seed draws a new track; a different seed a different one.
        double first = KartExpert.RaceOf(a).Track.Length;
        a.Reset();
        Assert.NotEqual(first, KartExpert.RaceOf(a).Track.Length);
    }

    [Fact]
    public void TrackSeedFixesTheTrack()
    {
        using var env = Envs.Make<float[], int>(KartDiscreteEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("track_seed", 5)) });
        env.Reset(1);
        var first = KartExpert.RaceOf(env).Track;
        env.Reset(2);
        Assert.Same(first, KartExpert.RaceOf(env).Track);
        Assert.Equal(KartTrack.Generate(new Rng(5)).Length, first.Length);
    }

    private static bool SameTrack(KartTrack a, KartTrack b) => a.Length == b.Length && a.Centerline.SequenceEqual(b.Centerline);

    [Fact]
    public void TrackSeedsKeepEveryResetOnATrackOfTheRange()
    {
        var range = Enumerable.Range(5, 3).Select(s => KartTrack.Generate(new Rng(s))).ToArray();
        using var env = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("track_seeds", "5:8")) });
        var seen = new HashSet<int>();
        var seeds = new Rng(42);
        for (int i = 0; i < 40; i++)
        {
            // Seeded resets over the whole int range (as training draws them) and unseeded ones that continue the stream.
            env.Reset(i % 2 == 0 ? seeds.NextSeed() : null);
            var track = KartExpert.RaceOf(env).Track;
            int index = Array.FindIndex(range, t => SameTrack(t, track));
            Assert.True(index >= 0, $"reset {i}: a track outside the seeds 5-7");
            seen.Add(index);
        }
        Assert.Equal(3, seen.Count);

        // The same reset seed draws the same track seed.
        using var again = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("track_seeds", "5:8")) });
        env.Reset(123);
        again.Reset(123);
        Assert.True(SameTrack(KartExpert.RaceOf(env).Track, KartExpert.RaceOf(again).Track));
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(1_000_009)]
    public void WithoutARangeAResetSeedRacesOnTheTrackOfThatTrackSeed(int seed)
    {
        // rl eval --seed 1000000 --episodes 10 resets episode i with seed 1000000 + i: the tracks of track seeds 1000000 + i.
        using var env = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("track_seeds", "any")) });
        using var fixedTrack = Envs.Make<float[], float[]>(KartEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("track_seed", seed)) });
        env.Reset(seed);
        fixedTrack.Reset(0);
        Assert.True(SameTrack(KartExpert.RaceOf(fixedTrack).Track, KartExpert.RaceOf(env).Track));
        env.Reset(seed + 1);
        Assert.False(SameTrack(KartExpert.RaceOf(fixedTrack).Track, KartExpert.RaceOf(env).Track));
    }

    [Theory]
    [InlineData("8:5", "0 <= LOW < HIGH")]
    [InlineData("5:5", "0 <= LOW < HIGH")]
    [InlineData("-1:3", "0 <= LOW < HIGH")]
    [InlineData("5", "must be 'LOW:HIGH'")]
    [InlineData("a:b", "must be 'LOW:HIGH'")]
    [InlineData("0:99999999999", "must be 'LOW:HIGH'")]
    public void BadTrackSeedRangesAreRejectedWithTheOptionNamed(string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make(KartEnv.Id, ("track_seeds", value)));
        Assert.Contains("'track_seeds'", e.Message);
        Assert.Contains(message, e.Message);
        e = Assert.Throws<ArgumentException>(() => Envs.Make(KartEnv.Id, ("track_seeds", "0:10"), ("track_seed", 3)));
        Assert.Contains("'track_seed' and 'track_seeds' exclude each other", e.Message);
        Assert.Equal(new KartTrackSeeds(0, 1_000_000), KartTrackSeeds.Parse("0:1_000_000", "x"));
    }

    [Fact]
    public void ObservationsStayInTheSpaceUnderExpertAndRandomDriving()
    {
        using var env = Envs.Make<float[], float[]>(KartEnv.Id);
        var expert = new KartExpert();
        var rng = new Rng(0);
        env.ActionSpace.Seed(0);
        for (int episode = 0; episode < 3; episode++)
        {
            var obs = env.Reset(100 + episode).Observation;
            Assert.True(env.ObservationSpace.Contains(obs));
            StepResult<float[]> r;
            do
            {
                var act = rng.NextDouble() < 0.5 ? expert.Act(env) : env.ActionSpace.Sample();
                r = env.Step(act);
                Assert.True(env.ObservationSpace.Contains(r.Observation), env.ObservationSpace.Explain(r.Observation));
            } while (!r.Done);
        }
    }

    [Fact]
    public void BadInputIsRejectedWithNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make(KartEnv.Id, ("lapz", 2)));
        Assert.Contains("lapz", e.Message);
        Assert.Contains("laps", e.Message);
        e = Assert.Throws<ArgumentException>(() => Envs.Make(KartEnv.Id, ("laps", 0)));
        Assert.Contains("laps", e.Message);
        e = Assert.Throws<ArgumentException>(() => Envs.Make(KartEnv.Id, ("view", "sky")));
        Assert.Contains("view", e.Message);

        using var env = Envs.Make<float[], float[]>(KartEnv.Id);
        Assert.Throws<ResetNeededException>(() => env.Step([0f, 0f, 0f]));
        env.Reset(0);
        var bad = Assert.Throws<InvalidActionException>(() => env.Step([2f, 0f, 0f]));
        Assert.Contains(KartEnv.Id, bad.Message);
        Assert.Throws<InvalidActionException>(() => env.Step([0f, float.NaN, 0f]));
        using var discrete = Envs.Make<float[], int>(KartDiscreteEnv.Id);
        discrete.Reset(0);
        Assert.Throws<InvalidActionException>(() => discrete.Step(9));
    }

    [Fact]
    public void DiscreteActionsMapToTheDocumentedControls()
    {
        Assert.Equal((0.0, 0.0, 0.0), KartDiscreteEnv.ControlsOf(0));
        Assert.Equal((0.0, 1.0, 0.0), KartDiscreteEnv.ControlsOf(3));
        Assert.Equal((-1.0, 1.0, 0.0), KartDiscreteEnv.ControlsOf(4));
        Assert.Equal((1.0, 1.0, 0.0), KartDiscreteEnv.ControlsOf(5));
        Assert.Equal((0.0, 0.0, 1.0), KartDiscreteEnv.ControlsOf(6));
        Assert.Equal((1.0, 0.0, 1.0), KartDiscreteEnv.ControlsOf(8));
        for (int a = 0; a < KartDiscreteEnv.ActionCount; a++)
        {
            var (s, t, b) = KartDiscreteEnv.ControlsOf(a);
            Assert.Equal(a, KartDiscreteEnv.ActionOf(s, t, b));
        }
    }

    // A kart at 15 m/s 30 m into track 5, on the centreline (null) or that many metres beyond the left edge, facing along the track.
    private static (KartEnv Env, KartRace Race) Placed(double? extraOffset)
    {
        var env = new KartEnv(new KartOptions { StepInfo = true });
        env.Reset(5);
        var race = env.Race;
        var track = race.Track;
        double s = 30;
        var t = track.TangentAt(s);
        var left = new Vector2(-t.Y, t.X);
        double offset = extraOffset is double e ? track.Width / 2 + e : 0;
        race.PlaceKart(track.PointAt(s) + (float)offset * left, Math.Atan2(t.Y, t.X), 15, s);
        return (env, race);
    }
}
