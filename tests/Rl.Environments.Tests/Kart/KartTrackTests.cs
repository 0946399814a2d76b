using System.Numerics;
using Rl.Core;
using Rl.Environments.Kart;

namespace Rl.Environments.Tests.Kart;

public class KartTrackTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 20)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void GeneratedTracksAreClosedSimpleAndWithinTheDocumentedRanges(int seed)
    {
        var options = KartTrackOptions.Default;
        var track = KartTrack.Generate(new Rng(seed));

        Assert.InRange(track.Width, options.MinWidth, options.MaxWidth);
        Assert.InRange(track.Length, options.MinLength, options.MaxLength);
        // Closed: the closing segment (last sample back to the first) is as long as the others.
        double closing = Vector2.Distance(track.Centerline[^1], track.Centerline[0]);
        Assert.Equal(track.Length / track.Count, closing, 2);
        Assert.Equal(track.Length, track.ArcLengthAt(track.Count - 1) + closing, 3);
        Assert.False(track.CenterlineSelfIntersects());
        Assert.False(track.EdgesSelfIntersect());
        Assert.True(track.CorridorIsClear());
        Assert.True(track.MinRadiusOfCurvature > track.HalfCorridor, $"min radius {track.MinRadiusOfCurvature} vs half corridor {track.HalfCorridor}");
    }

    [Fact]
    public void TheSameSeedGivesTheSameTrackAndSeedsVary()
    {
        var a = KartTrack.Generate(new Rng(7));
        var b = KartTrack.Generate(new Rng(7));
        Assert.Equal(a.Centerline.ToArray(), b.Centerline.ToArray());
        Assert.Equal(a.Width, b.Width);

        var tracks = Enumerable.Range(0, 20).Select(s => KartTrack.Generate(new Rng(s))).ToList();
        // Width, length and curvature all vary over seeds.
        Assert.True(tracks.Max(t => t.Width) - tracks.Min(t => t.Width) > 2);
        Assert.True(tracks.Max(t => t.Length) - tracks.Min(t => t.Length) > 100);
        Assert.True(tracks.Max(t => t.MinRadiusOfCurvature) / tracks.Min(t => t.MinRadiusOfCurvature) > 1.5);
        // Both driving directions occur: the signed area of the centreline has both signs.
        Assert.Contains(tracks, t => SignedArea(t) > 0);
        Assert.Contains(tracks, t => SignedArea(t) < 0);
    }

    [Fact]
    public void ArcLengthParameterisationAndProjectionAgree()
    {
        var track = KartTrack.Generate(new Rng(3));
        foreach (double s in new[] { 0.0, 17.25, track.Length / 2, track.Length - 0.5 })
        {
            var p = track.PointAt(s);
            var t = track.TangentAt(s);
            var left = new Vector2(-t.Y, t.X);
            var tp = track.ProjectGlobal(p + 2.5f * left);
            double ds = Math.IEEERemainder(tp.S - s, track.Length);
            Assert.True(Math.Abs(ds) < 0.05, $"s {s} projected to {tp.S}");
            Assert.Equal(2.5, tp.Offset, 1);
            Assert.Equal(-3.0, track.ProjectGlobal(p - 3f * left).Offset, 1);
        }
        Assert.Equal(track.PointAt(5), track.PointAt(5 + track.Length));
    }

    [Fact]
    public void BadOptionsAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => KartTrack.Generate(new Rng(0), new KartTrackOptions { MinWidth = 12, MaxWidth = 8 }));
        Assert.Contains("width", e.Message);
    }

    private static double SignedArea(KartTrack t)
    {
        double a = 0;
        var p = t.Centerline;
        for (int i = 0; i < p.Length; i++)
        {
            var u = p[i];
            var v = p[(i + 1) % p.Length];
            a += u.X * (double)v.Y - v.X * (double)u.Y;
        }
        return a / 2;
    }
}
