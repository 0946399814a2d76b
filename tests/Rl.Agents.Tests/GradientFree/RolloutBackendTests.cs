using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;
using Rl.Core;

namespace Rl.Agents.Tests.GradientFree;

/// <summary>
/// The rollout backend seam that distributed training plugs into: a backend that runs the candidates in another order, in
/// pieces, on its own pool and copies results and observation statistics back through their public forms (as a remote worker
/// does) must leave every algorithm exactly where the built-in local backend does.
/// </summary>
public class RolloutBackendTests
{
    [Theory]
    [MemberData(nameof(Ids))]
    public void AnOutOfOrderChunkedBackendGivesTheSameParametersAsTheLocalOne(string id)
    {
        var config = GradientFreeTestSupport.DefaultConfig(id);
        if (config is ArsConfig ars) config = ars with { Version = ArsVersion.V2 };
        if (config is EvolutionStrategiesConfig es) config = es with { NormalizeObservations = true };
        using var local = GradientFreeTestSupport.Create(config, GradientFreeTestSupport.Context(seed: 4, threads: 1));
        ReversedChunks? backend = null;
        var context = GradientFreeTestSupport.Context(seed: 4, threads: 1) with
        {
            RolloutBackend = job => backend = new ReversedChunks(job, GradientFreeTestSupport.Context().MakeEnv),
        };
        using var custom = GradientFreeTestSupport.Create(config, context);
        for (int i = 0; i < 4; i++)
        {
            local.RunIteration();
            custom.RunIteration();
        }
        Assert.NotNull(backend);
        Assert.True(backend.Calls >= 4, $"the custom backend ran {backend.Calls} batches");
        Assert.Equal(GradientFreeTestSupport.PolicyParameters(local), GradientFreeTestSupport.PolicyParameters(custom));
        Assert.Equal(local.EnvSteps, custom.EnvSteps);
    }

    public static TheoryData<string> Ids() => [.. GradientFreeTestSupport.AllIds];

    [Fact]
    public void ObservationStatisticsAndFiltersCopyExactly()
    {
        var rng = new Rng(1);
        var source = new ObservationStatistics(3);
        for (int i = 0; i < 50; i++) source.Add([rng.NextFloat(), 10 * rng.NextFloat(), -rng.NextFloat()]);
        var copy = new ObservationStatistics(3);
        copy.Set(source.Count, source.Mean, source.SquaredDeviations);
        var (a, b) = (new RunningMeanStd(3), new RunningMeanStd(3));
        source.MergeInto(a);
        copy.MergeInto(b);
        Assert.Equal(a.Mean, b.Mean);
        Assert.Equal(a.Variance, b.Variance);
        Assert.Contains("3 elements", Assert.Throws<ArgumentException>(() => copy.Set(1, new double[2], new double[3])).Message);

        var filter = ObservationFilter.From(a);
        var rebuilt = ObservationFilter.FromFactors(filter.Mean, filter.InverseStd);
        float[] x = [0.3f, 4f, -0.2f], y = [0.3f, 4f, -0.2f];
        filter.Apply(x);
        rebuilt.Apply(y);
        Assert.Equal(x, y);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => ObservationFilter.FromFactors([float.NaN], [1f])).Message);
    }

    /// <summary>Runs each batch as chunks of three candidates, last chunk first, each through a fresh copy of the results.</summary>
    private sealed class ReversedChunks(RolloutJob job, Func<IEnv> makeEnv) : IRolloutBackend
    {
        private readonly RolloutPool _pool = new(makeEnv, 2, _ => job.Architecture);

        public int Calls { get; private set; }

        public void Run(IReadOnlyList<Candidate> candidates, ObservationFilter? filter, double[] returns, int[] lengths, ObservationStatistics[]? statistics)
        {
            Calls++;
            var inner = new LocalRolloutBackend(_pool, job);
            int e = job.EpisodesPerCandidate, size = job.Architecture.ObservationSize;
            var sent = filter is null ? null : ObservationFilter.FromFactors(filter.Mean, filter.InverseStd);
            for (int from = (candidates.Count - 1) / 3 * 3; from >= 0; from -= 3)
            {
                var chunk = candidates.Skip(from).Take(3).ToList();
                var r = new double[chunk.Count * e];
                var l = new int[chunk.Count * e];
                var s = statistics is null ? null : chunk.Select(_ => new ObservationStatistics(size)).ToArray();
                inner.Run(chunk, sent, r, l, s);
                r.CopyTo(returns, from * e);
                l.CopyTo(lengths, from * e);
                for (int i = 0; s is not null && i < chunk.Count; i++)
                    statistics![from + i].Set(s[i].Count, s[i].Mean, s[i].SquaredDeviations);
            }
        }

        public void Dispose() => _pool.Dispose();
    }
}
