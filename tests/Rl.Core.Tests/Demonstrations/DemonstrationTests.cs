using System.Diagnostics;
using Rl.Core.Demonstrations;
using Rl.Core.Spaces;

namespace Rl.Core.Tests.Demonstrations;

public sealed class DemonstrationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rl-demo-tests-" + Environment.ProcessId + "-" + Interlocked.Increment(ref _counter));
    private static int _counter;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly Box<float> ObsSpace = new(-10f, 10f, 4);
    private static readonly Discrete ActSpace = new(3);

    // Records `episodes` synthetic episodes of different lengths; returns what was recorded, for comparison.
    private static List<(float[][] Obs, int[] Act, double[] Rew, bool Term)> Record(DemonstrationWriter w, int episodes, int seed)
    {
        var rng = new Rng(seed);
        var recorded = new List<(float[][], int[], double[], bool)>();
        for (int e = 0; e < episodes; e++)
        {
            int t = 3 + e * 2;
            var obs = new float[t + 1][];
            var act = new int[t];
            var rew = new double[t];
            obs[0] = ObsSpace.Sample();
            w.BeginEpisode(obs[0], seed: e);
            for (int i = 0; i < t; i++)
            {
                act[i] = rng.NextInt(3);
                obs[i + 1] = [rng.NextFloat(), -rng.NextFloat(), i, e];
                rew[i] = rng.NextDouble();
                bool last = i == t - 1;
                w.Record(act[i], obs[i + 1], rew[i], terminated: last && e % 2 == 0, truncated: last && e % 2 == 1,
                    Info.Of(("x_position", (double)i), ("lap", i), ("on_track", i % 2 == 0), ("name", "skip me")));
            }
            w.EndEpisode();
            recorded.Add((obs, act, rew, e % 2 == 0));
        }
        return recorded;
    }

    [Fact]
    public void RoundTripIsIdentical()
    {
        var w = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        var recorded = Record(w, 3, seed: 1);
        var set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Empty(set.Skipped);
        Assert.Equal(3, set.Episodes.Count);
        Assert.Equal("Test-v0", set.Manifest.EnvId);
        for (int e = 0; e < 3; e++)
        {
            var ep = set.Episodes[e];
            var (obs, act, rew, term) = recorded[e];
            Assert.Equal(act.Length, ep.Length);
            for (int t = 0; t <= ep.Length; t++) Assert.Equal(obs[t], (float[])ep.Observation(t));
            for (int t = 0; t < ep.Length; t++) Assert.Equal(act[t], (int)ep.Action(t));
            Assert.Equal(rew, ep.Rewards);
            Assert.Equal(term, ep.Terminated[^1]);
            Assert.Equal(!term, ep.Truncated[^1]);
            Assert.All(ep.Terminated[..^1], Assert.False);
            Assert.Equal(["lap", "on_track", "x_position"], ep.Infos.Keys.Order());
            Assert.Equal(NpyDType.Int64, ep.Infos["lap"].DType);
            Assert.Equal(NpyDType.Bool, ep.Infos["on_track"].DType);
            Assert.Equal(Enumerable.Range(0, ep.Length).Select(i => (double)i), ep.Infos["x_position"].AsSpan<double>().ToArray());
            Assert.Equal(rew.Sum(), set.Manifest.Episodes[e].Return, 10);
            Assert.Equal(e, set.Manifest.Episodes[e].Seed);
        }
    }

    [Fact]
    public void PixelAndVectorSpacesRoundTrip()
    {
        var obsSpace = new Box<byte>(0, 255, 8, 6, 3);
        var actSpace = new MultiDiscrete([3, 4]);
        var w = new DemonstrationWriter(_dir, "Pix-v0", obsSpace, actSpace);
        obsSpace.Seed(3);
        actSpace.Seed(4);
        var obs = Enumerable.Range(0, 6).Select(_ => obsSpace.Sample()).ToArray();
        var act = Enumerable.Range(0, 5).Select(_ => actSpace.Sample()).ToArray();
        w.BeginEpisode(obs[0]);
        for (int i = 0; i < 5; i++) w.Record(act[i], obs[i + 1], 1, false, i == 4);
        w.EndEpisode();
        var ep = Assert.Single(DemonstrationSet.Load(_dir, obsSpace, actSpace).Episodes);
        Assert.Equal(NpyDType.UInt8, ep.Observations.DType);
        Assert.Equal([6, 8, 6, 3], ep.Observations.Shape);
        Assert.Equal([5, 2], ep.Actions.Shape);
        for (int i = 0; i < 6; i++) Assert.Equal(obs[i], (byte[])ep.Observation(i));
        for (int i = 0; i < 5; i++) Assert.Equal(act[i], (int[])ep.Action(i));
    }

    [Fact]
    public void NumpyLoadsTheFiles()
    {
        const string python = "/usr/bin/python3";
        // ./test.sh installs python3 and python3-numpy: without them this test fails rather than checking nothing.
        Assert.True(File.Exists(python), $"{python} is missing: apt-get install python3 python3-numpy (./test.sh does)");
        var w = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        var recorded = Record(w, 2, seed: 2);
        string script = """
            import json, sys, numpy as np
            d = sys.argv[1]
            m = json.load(open(d + '/manifest.json'))
            out = []
            for e in m['episodes']:
                z = np.load(d + '/' + e['file'])
                o, a, r = z['observations'], z['actions'], z['rewards']
                assert o.dtype == np.float32 and o.shape == (e['length'] + 1, 4), (o.dtype, o.shape)
                assert a.dtype == np.int64 and a.shape == (e['length'],)
                assert r.dtype == np.float64 and z['terminated'].dtype == np.bool_ and z['info_lap'].dtype == np.int64
                out.append('%d %d %.9f %.6f' % (e['length'], a.sum(), r.sum(), o.astype(np.float64).sum()))
            print(m['observation_space']['dtype'], m['action_space']['repr'], ';'.join(out))
            """;
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script.Replace("\r", ""));
        psi.ArgumentList.Add(_dir);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.False(stderr.Contains("No module named 'numpy'", StringComparison.Ordinal), "numpy is missing: apt-get install python3-numpy (./test.sh does)");
        Assert.True(p.ExitCode == 0, stderr);
        string expected = "float32 Discrete(3) " + string.Join(";", recorded.Select(r =>
            FormattableString.Invariant($"{r.Act.Length} {r.Act.Sum()} {r.Rew.Sum():F9} {r.Obs.Sum(o => o.Sum(x => (double)x)):F6}")));
        Assert.Equal(expected, stdout.Trim());
    }

    [Fact]
    public void CorruptAndTruncatedFilesAreSkippedAndTheRestLoads()
    {
        var w = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        Record(w, 4, seed: 3);
        string f1 = Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(1));
        var bytes = File.ReadAllBytes(f1);
        bytes[bytes.Length / 2] ^= 0x5a;
        File.WriteAllBytes(f1, bytes);
        string f2 = Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(2));
        File.WriteAllBytes(f2, File.ReadAllBytes(f2)[..100]);
        // An unlisted episode file (as a crash between writing it and updating the manifest would leave), truncated.
        string f9 = Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(9));
        File.WriteAllBytes(f9, File.ReadAllBytes(Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(3)))[..^30]);

        var set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Equal([DemonstrationWriter.EpisodeFileName(0), DemonstrationWriter.EpisodeFileName(3)], set.Episodes.Select(e => Path.GetFileName(e.File)));
        Assert.Equal(3, set.Skipped.Count);
        Assert.Contains("episode-000001.npz", set.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("checksum", set.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("episode-000002.npz", set.Skipped[1].Reason, StringComparison.Ordinal);
        Assert.Contains("episode-000009.npz", set.Skipped[2].Reason, StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt", set.Skipped[2].Reason, StringComparison.Ordinal);
        Assert.Contains("skipped 3 bad file(s)", set.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithTheWrongShapeIsRejectedByName()
    {
        // Record 3-element observations, then claim them for a 4-element space by editing the manifest's description.
        var small = new Box<float>(-10f, 10f, 3);
        var w = new DemonstrationWriter(_dir, "Test-v0", small, ActSpace);
        w.BeginEpisode(new float[3]);
        w.Record(1, new float[3], 0, true, false);
        w.EndEpisode();
        string manifest = Path.Combine(_dir, DemonstrationManifest.FileName);
        var m = DemonstrationManifest.Read(_dir) with { ObservationSpace = SpaceDescription.Of(ObsSpace) };
        m.WriteAtomic(_dir);
        var set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Empty(set.Episodes);
        var skipped = Assert.Single(set.Skipped);
        Assert.Contains("episode-000000.npz", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("'observations' has shape (2, 3)", skipped.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(manifest));
    }

    [Fact]
    public void LoadingWithOtherSpacesFailsNamingTheManifest()
    {
        Record(new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace), 1, seed: 4);
        var e = Assert.Throws<InvalidDataException>(() => DemonstrationSet.Load(_dir, ObsSpace, new Discrete(2)));
        Assert.Contains("manifest.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("Discrete(3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Discrete(2)", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => new DemonstrationWriter(_dir, "Other-v0", ObsSpace, new Discrete(2)));
        Assert.Throws<FileNotFoundException>(() => DemonstrationSet.Load(Path.Combine(_dir, "nope"), ObsSpace, ActSpace));
    }

    [Fact]
    public void WithTheManifestDeletedTheVerifiedEpisodesLoadWithAWarning()
    {
        Record(new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace), 3, seed: 8);
        File.Delete(Path.Combine(_dir, DemonstrationManifest.FileName));
        string f1 = Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(1));
        File.WriteAllBytes(f1, File.ReadAllBytes(f1)[..^40]);

        var set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Equal([DemonstrationWriter.EpisodeFileName(0), DemonstrationWriter.EpisodeFileName(2)], set.Episodes.Select(e => Path.GetFileName(e.File)));
        Assert.Contains("episode-000001.npz", Assert.Single(set.Skipped).Reason, StringComparison.Ordinal);
        string warning = Assert.Single(set.Warnings);
        Assert.Contains("no manifest.json", warning, StringComparison.Ordinal);
        Assert.Contains("rebuild-manifest", warning, StringComparison.Ordinal);
        Assert.Contains("warning: ", set.Summary(), StringComparison.Ordinal);

        // The rebuilt manifest lists the verified files only, with their checksums; loading it warns no more.
        var rebuilt = DemonstrationSet.RebuildManifest(_dir, "Test-v0", ObsSpace, ActSpace);
        Assert.Empty(rebuilt.Warnings);
        var m = DemonstrationManifest.Read(_dir);
        Assert.Equal("Test-v0", m.EnvId);
        Assert.Equal([DemonstrationWriter.EpisodeFileName(0), DemonstrationWriter.EpisodeFileName(2)], m.Episodes.Select(e => e.File));
        Assert.Equal([3, 7], m.Episodes.Select(e => e.Length));
        Assert.Equal(set.Episodes[1].Return, m.Episodes[1].Return, 10);
        Assert.True(m.Episodes[0].Terminated);
        Assert.Equal(["lap", "on_track", "x_position"], m.Episodes[0].InfoKeys);
        Assert.Equal(2, rebuilt.Episodes.Count);
        Assert.Contains("episode-000001.npz", Assert.Single(rebuilt.Skipped).Reason, StringComparison.Ordinal);
        // A file changed after the rebuild is caught by the checksum again.
        string f2 = Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(2));
        var bytes = File.ReadAllBytes(f2);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(f2, bytes);
        Assert.Contains("checksum", DemonstrationSet.Load(_dir, ObsSpace, ActSpace).Skipped[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RebuildingAnIntactManifestKeepsItsSeeds()
    {
        Record(new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace), 2, seed: 9);
        var before = DemonstrationManifest.Read(_dir);
        DemonstrationSet.RebuildManifest(_dir, "Test-v0", ObsSpace, ActSpace);
        Assert.Equal(before.Episodes, DemonstrationManifest.Read(_dir).Episodes, (a, b) => a with { InfoKeys = [] } == b with { InfoKeys = [] } && a.InfoKeys.SequenceEqual(b.InfoKeys));
    }

    [Fact]
    public void AMissingDirectoryIsNamedAsMissing()
    {
        string missing = Path.Combine(_dir, "nope");
        var e = Assert.Throws<FileNotFoundException>(() => DemonstrationSet.Load(missing, ObsSpace, ActSpace));
        Assert.Contains($"'{missing}' does not exist", e.Message, StringComparison.Ordinal);
        Directory.CreateDirectory(missing);
        e = Assert.Throws<FileNotFoundException>(() => DemonstrationSet.Load(missing, ObsSpace, ActSpace));
        Assert.Contains("no manifest.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadValuesAreRejectedWhenRecorded()
    {
        var w = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        Assert.Throws<InvalidOperationException>(() => w.Record(0, new float[4], 0, false, false));
        w.BeginEpisode(new float[4]);
        var e = Assert.Throws<ArgumentException>(() => w.Record(7, new float[4], 0, false, false));
        Assert.Contains("Discrete(3)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => w.Record(1, new float[5], 0, false, false));
        Assert.Equal(0, w.StepCount);
        Assert.Throws<InvalidOperationException>(() => w.EndEpisode());
    }

    [Fact]
    public void ACrashMidEpisodeLosesOnlyThatEpisode()
    {
        var w = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        Record(w, 2, seed: 5);
        // The recorder dies mid-episode: steps in memory are lost, and a half-written temporary file stays behind.
        w.BeginEpisode(new float[4]);
        for (int i = 0; i < 5; i++) w.Record(0, new float[4], 1, false, false);
        File.WriteAllBytes(Path.Combine(_dir, "." + DemonstrationWriter.EpisodeFileName(2) + ".tmp"), [0x50, 0x4b, 3]);
        var set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Equal(2, set.Episodes.Count);
        Assert.Empty(set.Skipped);
        // A new recorder appends after the completed episodes.
        var again = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        Record(again, 1, seed: 6);
        set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Equal(3, set.Episodes.Count);
        Assert.Equal(DemonstrationWriter.EpisodeFileName(2), set.Manifest.Episodes[^1].File);
    }

    [Fact]
    public void DiscardDropsTheEpisode()
    {
        var w = new DemonstrationWriter(_dir, "Test-v0", ObsSpace, ActSpace);
        w.BeginEpisode(new float[4]);
        w.Record(0, new float[4], 1, false, false);
        w.DiscardEpisode();
        Assert.False(w.InEpisode);
        Record(w, 1, seed: 7);
        var set = DemonstrationSet.Load(_dir, ObsSpace, ActSpace);
        Assert.Equal(3, Assert.Single(set.Episodes).Length);
        Assert.Equal(DemonstrationWriter.EpisodeFileName(0), set.Manifest.Episodes[0].File);
    }

    [Fact]
    public void NpyHeaderIsVersionOneAlignedTo64()
    {
        var a = NpyArray.From(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var ms = new MemoryStream();
        a.WriteTo(ms);
        var bytes = ms.ToArray();
        Assert.Equal(0x93, bytes[0]);
        Assert.Equal("NUMPY", System.Text.Encoding.ASCII.GetString(bytes, 1, 5));
        Assert.Equal(1, bytes[6]);
        int headerLen = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLen) % 64);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLen);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header, StringComparison.Ordinal);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
        ms.Position = 0;
        var back = NpyArray.Read(ms, "test");
        Assert.Equal([2, 3], back.Shape);
        Assert.Equal(a.Data, back.Data);
        var e = Assert.Throws<InvalidDataException>(() => NpyArray.Read(new MemoryStream(bytes[..^4]), "x.npy"));
        Assert.Contains("x.npy: truncated", e.Message, StringComparison.Ordinal);
    }
}

public sealed class RecorderCrashTests
{
    [Fact]
    public void KillingTheRecorderLosesOnlyTheEpisodeInProgress()
    {
        string recorder = Path.Combine(AppContext.BaseDirectory, "Rl.Core.Tests.Recorder.dll");
        Assert.True(File.Exists(recorder), $"{recorder} is missing (built through the test project's reference)");
        string dir = Path.Combine(Path.GetTempPath(), "rl-demo-crash-" + Environment.ProcessId);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(recorder);
            psi.ArgumentList.Add(dir);
            using var p = Process.Start(psi)!;
            // Let it complete a few episodes, then kill it wherever it is (usually mid-episode, sometimes mid-write).
            int completed = 0;
            while (completed < 5 && p.StandardOutput.ReadLine() is string line) completed = int.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
            p.Kill();
            if (completed < 5) Assert.Fail("recorder stopped early: " + p.StandardError.ReadToEnd());
            p.WaitForExit();

            var observations = new Box<byte>(0, 255, 16, 16, 3);
            var set = DemonstrationSet.Load(dir, observations, new Discrete(3));
            Assert.Empty(set.Skipped);
            Assert.True(set.Episodes.Count >= 5, $"{set.Episodes.Count} episodes loaded after {completed} were reported complete");
            Assert.All(set.Episodes, e => Assert.Equal(40, e.Length));
            Assert.All(set.Episodes, e => Assert.True(e.Terminated[^1]));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
