using Rl.Agents.Parameters;

namespace Rl.Agents.GradientFree;

/// <summary>
/// A parameter vector to score, described compactly: θ = centre + scale · (σ ⊙) ε, where ε is the noise-table slice at
/// <see cref="NoiseOffset"/>, plus the reset seed of its episodes. Every random choice is made when the candidate is
/// created, on the algorithm's thread, so scoring it gives the same result on any worker.
/// </summary>
/// <param name="Centre">The vector perturbed (θ, μ, an elite, or zeros).</param>
/// <param name="Scale">Multiplies the noise (σ, −σ, ν, ...); 0 scores <paramref name="Centre"/> itself.</param>
/// <param name="NoiseOffset">Where ε starts in the noise table.</param>
/// <param name="EnvSeed">Reset seed of the first episode; episode k uses the next seeds.</param>
/// <param name="Sigma">Per-parameter standard deviations for a diagonal Gaussian (CEM), or null for the identity.</param>
public readonly record struct Candidate(float[] Centre, float Scale, int NoiseOffset, int EnvSeed, float[]? Sigma = null)
{
    /// <summary>Writes the candidate's parameters into <paramref name="destination"/>.</summary>
    public void Materialize(NoiseTable noise, Span<float> destination)
    {
        if (Scale == 0)
        {
            Centre.CopyTo(destination);
            return;
        }
        var epsilon = noise.Slice(NoiseOffset, Centre.Length);
        if (Sigma is null) ParameterMath.Perturb(Centre, Scale, epsilon, destination);
        else ParameterMath.Perturb(Centre, Scale, Sigma, epsilon, destination);
    }

    /// <summary>The reset seed of the candidate's episode <paramref name="episode"/>.</summary>
    public int EpisodeSeed(int episode) => unchecked(EnvSeed + episode) & int.MaxValue;

    /// <summary>The seed of the action generator of episode <paramref name="episode"/> (stochastic actions only).</summary>
    public long ActionSeed(int episode) => unchecked(((long)EnvSeed << 20) + episode + 0x2545F4914F6CDD1DL);
}

/// <summary>What scoring a batch of candidates produced, in candidate order.</summary>
public sealed class CandidateScores
{
    /// <summary>Creates the scores.</summary>
    public CandidateScores(double[] fitness, double[] episodeReturns, int[] episodeLengths)
    {
        Fitness = fitness;
        EpisodeReturns = episodeReturns;
        EpisodeLengths = episodeLengths;
    }

    /// <summary>f(θ_i): the mean over the candidate's episodes of the return minus any reward shift times the length.</summary>
    public double[] Fitness { get; }

    /// <summary>The raw return of every episode (candidate-major).</summary>
    public double[] EpisodeReturns { get; }

    /// <summary>The length of every episode (candidate-major).</summary>
    public int[] EpisodeLengths { get; }

    /// <summary>Environment steps taken.</summary>
    public long Steps => EpisodeLengths.Sum(l => (long)l);
}
