using System.Globalization;
using Rl.Core.Spaces;

namespace Rl.Core.Demonstrations;

/// <summary>
/// Records demonstrations one episode at a time into a directory: each completed episode becomes its own npz file
/// (<c>episode-000000.npz</c>, ...; see <see cref="DemonstrationEpisode"/> for the arrays), written atomically, and then the
/// manifest is rewritten atomically. A crash therefore loses at most the episode in progress. Opening a directory that
/// already holds demonstrations of the same spaces appends to it.
/// </summary>
/// <example>
/// <code>
/// var writer = DemonstrationWriter.For("demos", env);
/// var (obs, _) = env.ResetObject(seed: 1);
/// writer.BeginEpisode(obs, seed: 1);
/// var step = env.StepObject(action);
/// writer.Record(action, step.Observation, step.Reward, step.Terminated, step.Truncated, step.Info);
/// writer.EndEpisode();   // or DiscardEpisode()
/// </code>
/// </example>
public sealed class DemonstrationWriter
{
    private readonly SpaceCodec _obs;
    private readonly SpaceCodec _act;
    private readonly List<byte> _observations = [];
    private readonly List<byte> _actions = [];
    private readonly List<double> _rewards = [];
    private readonly List<bool> _terminated = [];
    private readonly List<bool> _truncated = [];
    private readonly List<Info> _infos = [];
    private int? _seed;
    private int _nextIndex;

    /// <summary>Opens (creating if needed) a demonstration directory for an environment with the given spaces.</summary>
    /// <exception cref="InvalidDataException">If the directory holds demonstrations of other spaces.</exception>
    /// <exception cref="NotSupportedException">If a space cannot be stored (see <see cref="SpaceCodec"/>).</exception>
    public DemonstrationWriter(string directory, string envId, Space observationSpace, Space actionSpace)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(envId);
        Directory = directory;
        ObservationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        _obs = SpaceCodec.For(observationSpace);
        _act = SpaceCodec.For(actionSpace);
        System.IO.Directory.CreateDirectory(directory);
        var fresh = new DemonstrationManifest
        {
            EnvId = envId,
            ObservationSpace = SpaceDescription.Of(observationSpace),
            ActionSpace = SpaceDescription.Of(actionSpace),
        };
        if (File.Exists(Path.Combine(directory, DemonstrationManifest.FileName)))
        {
            var old = DemonstrationManifest.Read(directory);
            if (!old.ObservationSpace.SameAs(fresh.ObservationSpace) || !old.ActionSpace.SameAs(fresh.ActionSpace))
                throw new InvalidDataException(
                    $"'{directory}' holds demonstrations of {old.EnvId} with observations {old.ObservationSpace.Repr} and actions " +
                    $"{old.ActionSpace.Repr}; cannot append episodes of {envId} with {fresh.ObservationSpace.Repr} and {fresh.ActionSpace.Repr}.");
            Manifest = old;
        }
        else
        {
            Manifest = fresh;
            Manifest.WriteAtomic(directory);
        }
        // Continue numbering after every episode file present, listed or not, so nothing is ever overwritten.
        _nextIndex = System.IO.Directory.EnumerateFiles(directory, "episode-*.npz")
            .Select(f => EpisodeIndex(Path.GetFileName(f)))
            .Concat(Manifest.Episodes.Select(e => EpisodeIndex(e.File)))
            .DefaultIfEmpty(-1).Max() + 1;
    }

    /// <summary>Opens a demonstration directory for <paramref name="env"/> (its spec id, or its name, and its spaces).</summary>
    public static DemonstrationWriter For(string directory, IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return new DemonstrationWriter(directory, env.Spec?.Id ?? env.Name, env.ObservationSpace, env.ActionSpace);
    }

    /// <summary>The episode file name for index <paramref name="index"/>, e.g. <c>episode-000003.npz</c>.</summary>
    public static string EpisodeFileName(int index) => $"episode-{index:D6}.npz";

    internal static int EpisodeIndex(string fileName) =>
        fileName.StartsWith("episode-", StringComparison.Ordinal) && fileName.EndsWith(".npz", StringComparison.Ordinal)
        && int.TryParse(fileName.AsSpan(8, fileName.Length - 12), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : -1;

    /// <summary>The demonstration directory.</summary>
    public string Directory { get; }

    /// <summary>The observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>The manifest as last written.</summary>
    public DemonstrationManifest Manifest { get; private set; }

    /// <summary>Whether an episode has begun and not yet ended or been discarded.</summary>
    public bool InEpisode { get; private set; }

    /// <summary>Steps recorded in the current episode.</summary>
    public int StepCount => _rewards.Count;

    /// <summary>Begins an episode with the observation returned by reset.</summary>
    /// <exception cref="InvalidOperationException">If an episode is already in progress.</exception>
    public void BeginEpisode(object observation, int? seed = null)
    {
        if (InEpisode) throw new InvalidOperationException($"{Directory}: an episode is already being recorded; end or discard it first.");
        Clear();
        _obs.Append(observation, _observations, "reset observation");
        _seed = seed;
        InEpisode = true;
    }

    /// <summary>Records one step: the action taken and what the environment returned for it.</summary>
    /// <exception cref="InvalidOperationException">If no episode is in progress.</exception>
    /// <exception cref="ArgumentException">If the action is not in the action space or the observation does not fit its space.</exception>
    public void Record(object action, object observation, double reward, bool terminated, bool truncated, Info? info = null)
    {
        if (!InEpisode) throw new InvalidOperationException($"{Directory}: Record called with no episode in progress; call BeginEpisode first.");
        if (ActionSpace.ExplainObject(action) is string why)
            throw new ArgumentException($"{Directory}: step {StepCount}: action {Space.FormatValue(action)} is not in {ActionSpace}: {why}.", nameof(action));
        int obsBytes = _observations.Count;
        _obs.Append(observation, _observations, $"step {StepCount} observation");
        try
        {
            _act.Append(action, _actions, $"step {StepCount} action");
        }
        catch
        {
            _observations.RemoveRange(obsBytes, _observations.Count - obsBytes);
            throw;
        }
        _rewards.Add(reward);
        _terminated.Add(terminated);
        _truncated.Add(truncated);
        _infos.Add(info ?? Info.Empty);
    }

    /// <summary>Writes the current episode to its npz file and adds it to the manifest (both atomically).</summary>
    /// <returns>The manifest entry of the episode.</returns>
    /// <exception cref="InvalidOperationException">If no episode is in progress or it has no steps.</exception>
    public DemonstrationEpisodeEntry EndEpisode()
    {
        if (!InEpisode) throw new InvalidOperationException($"{Directory}: EndEpisode called with no episode in progress.");
        if (StepCount == 0) throw new InvalidOperationException($"{Directory}: the episode has no steps; discard it instead.");
        int t = StepCount;
        var infos = ScalarInfos();
        var episode = new DemonstrationEpisode(ObservationSpace, ActionSpace, new Dictionary<string, NpyArray>
        {
            ["observations"] = new(_obs.DType, [t + 1, .. _obs.ItemShape], [.. _observations]),
            ["actions"] = new(_act.DType, [t, .. _act.ItemShape], [.. _actions]),
            ["rewards"] = NpyArray.From(_rewards.ToArray()),
            ["terminated"] = NpyArray.From(_terminated.ToArray()),
            ["truncated"] = NpyArray.From(_truncated.ToArray()),
        }.Concat(infos.Select(p => KeyValuePair.Create("info_" + p.Key, p.Value))).ToDictionary(), EpisodeFileName(_nextIndex));
        string sha = AtomicFile.Write(Path.Combine(Directory, episode.File), s => Npz.Write(s, episode.Arrays()));
        var entry = new DemonstrationEpisodeEntry(episode.File, t, episode.Return, _terminated[^1], _truncated[^1], sha, _seed, [.. infos.Keys]);
        Manifest = Manifest with { Episodes = [.. Manifest.Episodes, entry] };
        Manifest.WriteAtomic(Directory);
        _nextIndex++;
        Clear();
        InEpisode = false;
        return entry;
    }

    /// <summary>Drops the episode in progress (nothing is written).</summary>
    public void DiscardEpisode()
    {
        Clear();
        InEpisode = false;
    }

    private void Clear()
    {
        _observations.Clear();
        _actions.Clear();
        _rewards.Clear();
        _terminated.Clear();
        _truncated.Clear();
        _infos.Clear();
        _seed = null;
    }

    // The step-info keys with a scalar of one kind (bool, integer, floating) at every step, as arrays (see DemonstrationEpisode).
    private SortedDictionary<string, NpyArray> ScalarInfos()
    {
        var result = new SortedDictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (string key in _infos[0].Keys)
        {
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) continue;
            var values = new object?[_infos.Count];
            bool present = true;
            for (int i = 0; i < values.Length && present; i++) present = _infos[i].TryGetValue(key, out values[i]);
            if (!present) continue;
            if (values.All(v => v is bool)) result[key] = NpyArray.From(values.Select(v => (bool)v!).ToArray());
            else if (values.All(v => v is int or long or short or byte or uint)) result[key] = NpyArray.From(values.Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToArray());
            else if (values.All(v => v is float or double)) result[key] = NpyArray.From(values.Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());
        }
        return result;
    }
}
