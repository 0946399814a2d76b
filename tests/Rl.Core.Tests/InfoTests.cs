namespace Rl.Core.Tests;

/// <summary>
/// <see cref="Info"/>: immutable, ordered, ordinal keys; an info built from a shared <see cref="InfoKeys"/> set behaves
/// exactly as one built from (key, value) pairs.
/// </summary>
public class InfoTests
{
    private static readonly InfoKeys Keys = new("lives", "score", "bricks_left");

    [Fact]
    public void AnInfoFromSharedKeysBehavesLikeOneFromPairs()
    {
        var shared = Keys.Create(Info.BoxedInt(3), Info.BoxedInt(7), Info.BoxedInt(41));
        var pairs = Info.Of(("lives", 3), ("score", 7), ("bricks_left", 41));
        var copied = Info.From(new Dictionary<string, object?> { ["lives"] = 3, ["score"] = 7, ["bricks_left"] = 41 });
        foreach (var info in new[] { shared, pairs, copied })
        {
            Assert.Equal(["lives", "score", "bricks_left"], info.Keys);
            Assert.Equal(["lives", "score", "bricks_left"], ((IReadOnlyDictionary<string, object?>)info).Keys);
            Assert.Equal([3, 7, 41], info.Values.Cast<int>());
            Assert.Equal([KeyValuePair.Create("lives", (object?)3), KeyValuePair.Create("score", (object?)7), KeyValuePair.Create("bricks_left", (object?)41)], info.ToList());
            var seen = new List<string>();
            foreach (var (key, value) in info) seen.Add($"{key}={value}");
            Assert.Equal(["lives=3", "score=7", "bricks_left=41"], seen);
            Assert.Equal(3, info.Count);
            Assert.Equal(7, info["score"]);
            Assert.Equal(41, info.Get<int>("bricks_left"));
            Assert.True(info.TryGet<int>("lives", out int lives) && lives == 3);
            Assert.False(info.TryGet<string>("lives", out _));
            Assert.False(info.TryGet<int>("Lives", out _)); // ordinal keys
            Assert.True(info.ContainsKey("score"));
            Assert.False(info.ContainsKey("SCORE"));
            Assert.True(info.TryGetValue("bricks_left", out var b) && (int)b! == 41);
            Assert.False(info.TryGetValue("paddle_hits", out var none));
            Assert.Null(none);
            Assert.Equal("{lives: 3, score: 7, bricks_left: 41}", info.ToString());
            Assert.Equal(new Dictionary<string, object?> { ["lives"] = 3, ["score"] = 7, ["bricks_left"] = 41 }, info.ToDictionary());

            var missing = Assert.Throws<KeyNotFoundException>(() => info.Get<int>("paddle_hits"));
            Assert.Equal("info has no key 'paddle_hits'; keys: [lives, score, bricks_left]", missing.Message);
            Assert.Equal(missing.Message, Assert.Throws<KeyNotFoundException>(() => info["paddle_hits"]).Message);
            var wrongType = Assert.Throws<InvalidCastException>(() => info.Get<double>("score"));
            Assert.Equal("info['score'] is Int32, not Double", wrongType.Message);
            Assert.Throws<ArgumentNullException>(() => info.ContainsKey(null!));

            // With: an existing key keeps its place, a new one comes last, the original never changes.
            var changed = info.With("score", 8);
            Assert.Equal("{lives: 3, score: 8, bricks_left: 41}", changed.ToString());
            var extended = info.With("paddle_hits", 2);
            Assert.Equal("{lives: 3, score: 7, bricks_left: 41, paddle_hits: 2}", extended.ToString());
            var merged = info.With(Info.Of(("episode", "e"), ("lives", 2)));
            Assert.Equal("{lives: 2, score: 7, bricks_left: 41, episode: \"e\"}", merged.ToString());
            Assert.Equal("{lives: 3, score: 7, bricks_left: 41}", info.ToString());
            Assert.Same(info, info.With(Info.Empty));
            Assert.Same(info, Info.Empty.With(info));
        }
    }

    [Fact]
    public void AnInfoKeptByACallerNeverChanges()
    {
        var values = new object?[] { 3, 7, 41 };
        var info = Keys.Create(values);
        values[1] = 99; // Create copies the caller's values
        var other = Keys.Create(2, 9, 39);
        Assert.Same(info.Keys, other.Keys);
        Assert.Equal(7, info["score"]);
        Assert.Equal(9, other["score"]);
        Assert.Equal([3, 7, 41], info.Values.Cast<int>());
        Assert.Throws<NotSupportedException>(() => ((IList<object?>)info.Values)[0] = 5);
        _ = info.With("score", 1).With(other);
        Assert.Equal("{lives: 3, score: 7, bricks_left: 41}", info.ToString());
    }

    [Fact]
    public void KeySetsAndPairsRejectBadKeysNamingThem()
    {
        Assert.Contains("'score'", Assert.Throws<ArgumentException>(() => new InfoKeys("score", "lives", "score")).Message);
        Assert.Throws<ArgumentNullException>(() => new InfoKeys("score", null!));
        var many = Enumerable.Range(0, 40).Select(i => $"k{i}").Append("k7").ToArray();
        Assert.Contains("'k7'", Assert.Throws<ArgumentException>(() => new InfoKeys(many)).Message);
        var wrongCount = Assert.Throws<ArgumentException>(() => Keys.Create(1, 2));
        Assert.Contains("[lives, score, bricks_left] need 3 values, got 2", wrongCount.Message);
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => Info.From([KeyValuePair.Create("a", (object?)1), KeyValuePair.Create("a", (object?)2)])).Message);
        Assert.Throws<ArgumentNullException>(() => Info.Of(("a", 1), (null!, 2)));
        // Of: a repeated key keeps its first place and its last value (as filling a dictionary does).
        Assert.Equal("{a: 3, b: 2}", Info.Of(("a", 1), ("b", 2), ("a", 3)).ToString());
        Assert.Same(Info.Empty, Info.Of());
        Assert.Same(Info.Empty, new InfoKeys().Create());
    }

    [Fact]
    public void LargeInfosLookUpEveryKey()
    {
        // Above 16 keys the key set builds a hash index; Of, From, With and merging keep order and values.
        var pairs = Enumerable.Range(0, 40).Select(i => ($"k{i}", (object?)i)).ToArray();
        var info = Info.Of(pairs);
        var keys = new InfoKeys(pairs.Select(p => p.Item1).ToArray());
        var shared = keys.Create(pairs.Select(p => p.Item2).ToArray());
        var copied = Info.From(pairs.Select(p => KeyValuePair.Create(p.Item1, p.Item2)));
        foreach (var i in new[] { info, shared, copied, Info.Of(pairs[..10]).With(Info.Of(pairs[10..])) })
        {
            Assert.Equal(pairs.Select(p => p.Item1), i.Keys);
            for (int k = 0; k < 40; k++) Assert.Equal(k, i.Get<int>($"k{k}"));
            Assert.False(i.ContainsKey("k40"));
            Assert.Equal(-1, i.With("k39", -1).Get<int>("k39"));
            Assert.Equal(41, i.With("k40", 40).Count);
        }
    }

    [Fact]
    public void SmallIntsShareTheirBoxes()
    {
        Assert.Same(Info.BoxedInt(0), Info.BoxedInt(0));
        Assert.Same(Info.BoxedInt(1023), Info.BoxedInt(1023));
        Assert.Equal(1024, Info.BoxedInt(1024));
        Assert.Equal(-5, Info.BoxedInt(-5));
        Info.BoxedInt(48);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) _ = Info.BoxedInt(48);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // An info of four shared keys: the info and its values array only (88 bytes on 64-bit; a dictionary info was ~536).
        var four = new InfoKeys("lives", "score", "bricks_left", "paddle_hits");
        _ = four.Create(Info.BoxedInt(3), Info.BoxedInt(0), Info.BoxedInt(48), Info.BoxedInt(0));
        before = GC.GetAllocatedBytesForCurrentThread();
        var info = four.Create(Info.BoxedInt(3), Info.BoxedInt(0), Info.BoxedInt(48), Info.BoxedInt(0));
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes <= 96, $"an info of four shared keys allocated {bytes} bytes");
        Assert.Equal(48, info.Get<int>("bricks_left"));
    }
}
