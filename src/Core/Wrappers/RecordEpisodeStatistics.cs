using System.Diagnostics;

namespace Rl.Core.Wrappers;

/// <summary>The statistics of one finished episode, as Gymnasium's <c>info["episode"]</c> (<c>r</c>, <c>l</c>, <c>t</c>).</summary>
/// <param name="Return">The sum of the rewards of the episode.</param>
/// <param name="Length">The number of steps of the episode.</param>
/// <param name="Time">Wall-clock seconds from the reset to the last step.</param>
public sealed record EpisodeStatistics(double Return, int Length, double Time);

/// <summary>
/// Tracks the return, length and duration of each episode (Gymnasium's <c>RecordEpisodeStatistics</c>). On the step that ends
/// an episode (terminated or truncated) it adds <c>info["episode"]</c>, an <see cref="EpisodeStatistics"/>, and appends the
/// values to bounded queues of the last <see cref="BufferLength"/> episodes. Ordinary steps allocate nothing.
/// </summary>
/// <remarks>
/// Place it outside a <see cref="TimeLimit{TObs, TAct}"/> (as <c>Make</c> does: the limit is the innermost wrapper) when the
/// episodes cut by the limit must be counted; reward wrappers inside it change the recorded return.
/// </remarks>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class RecordEpisodeStatistics<TObs, TAct> : Wrapper<TObs, TAct>
{
    /// <summary>The info key under which the statistics of a finished episode are stored.</summary>
    public const string InfoKey = "episode";

    private readonly Queue<double> _returns;
    private readonly Queue<int> _lengths;
    private readonly Queue<double> _times;
    private double _episodeReturn;
    private int _episodeLength;
    private long _episodeStart;

    /// <summary>Wraps <paramref name="inner"/>, keeping the statistics of the last <paramref name="bufferLength"/> episodes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="bufferLength"/> is not positive.</exception>
    public RecordEpisodeStatistics(IEnv<TObs, TAct> inner, int bufferLength = 100) : base(inner)
    {
        if (bufferLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(bufferLength), bufferLength, $"{inner.Name}: RecordEpisodeStatistics needs a positive buffer length.");
        BufferLength = bufferLength;
        // Capacity fixed up front so that appending never grows (allocates) the queues.
        _returns = new Queue<double>(bufferLength + 1);
        _lengths = new Queue<int>(bufferLength + 1);
        _times = new Queue<double>(bufferLength + 1);
    }

    /// <summary>How many finished episodes the queues keep.</summary>
    public int BufferLength { get; }

    /// <summary>The returns of the last <see cref="BufferLength"/> finished episodes, oldest first.</summary>
    public IReadOnlyCollection<double> ReturnQueue => _returns;

    /// <summary>The lengths of the last <see cref="BufferLength"/> finished episodes, oldest first.</summary>
    public IReadOnlyCollection<int> LengthQueue => _lengths;

    /// <summary>The durations in seconds of the last <see cref="BufferLength"/> finished episodes, oldest first.</summary>
    public IReadOnlyCollection<double> TimeQueue => _times;

    /// <summary>The number of episodes finished since this wrapper was created.</summary>
    public int EpisodeCount { get; private set; }

    /// <summary>The sum of the rewards so far in the current episode.</summary>
    public double EpisodeReturn => _episodeReturn;

    /// <summary>The number of steps so far in the current episode.</summary>
    public int EpisodeLength => _episodeLength;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        var r = Inner.Reset(seed, options, into);
        _episodeReturn = 0;
        _episodeLength = 0;
        _episodeStart = Stopwatch.GetTimestamp();
        return r;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">If the inner environment already reported an <c>"episode"</c> info entry.</exception>
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action, into);
        _episodeReturn += r.Reward;
        _episodeLength++;
        if (!r.Done) return r;

        if (r.Info.ContainsKey(InfoKey))
            throw new InvalidOperationException(
                $"{Name}: info already has the key '{InfoKey}'; is RecordEpisodeStatistics applied twice in this chain?");
        double seconds = Stopwatch.GetElapsedTime(_episodeStart).TotalSeconds;
        var stats = new EpisodeStatistics(_episodeReturn, _episodeLength, seconds);
        Append(_returns, stats.Return);
        Append(_lengths, stats.Length);
        Append(_times, stats.Time);
        EpisodeCount++;
        _episodeStart = Stopwatch.GetTimestamp();
        return r with { Info = r.Info.With(InfoKey, stats) };
    }

    private void Append<T>(Queue<T> queue, T value)
    {
        if (queue.Count == BufferLength) queue.Dequeue();
        queue.Enqueue(value);
    }
}
