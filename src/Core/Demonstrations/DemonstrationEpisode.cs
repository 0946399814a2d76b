using Rl.Core.Spaces;

namespace Rl.Core.Demonstrations;

/// <summary>
/// One recorded episode: <see cref="Length"/> steps, <see cref="Length"/> + 1 observations (the reset observation first, then
/// the observation after each step), the actions, rewards and end flags of each step, and the scalar step infos.
/// </summary>
/// <remarks>
/// The npz file holds the arrays <c>observations</c> (T+1, *obs shape), <c>actions</c> (T, *action shape), <c>rewards</c>
/// (T,) float64, <c>terminated</c> and <c>truncated</c> (T,) bool, and <c>info_KEY</c> (T,) for every step-info key whose value
/// is a bool (stored as bool), an integer (int64) or a float/double (float64) at every step of the episode; other infos
/// (arrays, strings, keys missing at some steps, the reset info) are not kept.
/// </remarks>
public sealed class DemonstrationEpisode
{
    private readonly SpaceCodec _obs;
    private readonly SpaceCodec _act;

    /// <summary>Creates an episode from its arrays (checked against the spaces).</summary>
    /// <exception cref="InvalidDataException">If an array has the wrong type or shape.</exception>
    public DemonstrationEpisode(Space observationSpace, Space actionSpace, IReadOnlyDictionary<string, NpyArray> arrays, string file)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        File = file;
        _obs = SpaceCodec.For(observationSpace);
        _act = SpaceCodec.For(actionSpace);
        var actions = Get(arrays, "actions");
        int t = actions.Shape.Count == 0 ? throw new InvalidDataException($"{file}: 'actions' is a 0-d array.") : actions.Shape[0];
        Length = t;
        Observations = Checked(_obs.Check(Get(arrays, "observations"), t + 1), arrays["observations"], "observations");
        Actions = Checked(_act.Check(actions, t), actions, "actions");
        Rewards = Vector<double>(arrays, "rewards", NpyDType.Float64, t);
        Terminated = Vector<byte>(arrays, "terminated", NpyDType.Bool, t).Select(b => b != 0).ToArray();
        Truncated = Vector<byte>(arrays, "truncated", NpyDType.Bool, t).Select(b => b != 0).ToArray();
        var infos = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var (name, a) in arrays)
        {
            if (!name.StartsWith("info_", StringComparison.Ordinal)) continue;
            if (a.Shape.Count != 1 || a.Shape[0] != t)
                throw new InvalidDataException($"{file}: '{name}' has shape {NpyArray.FormatShape(a.Shape)}, expected ({t},).");
            infos[name[5..]] = a;
        }
        Infos = infos;
        for (int i = 0; i < t; i++)
        {
            object action;
            try
            {
                action = _act.Decode(Actions, i);
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"{file}: action {i} is not in {actionSpace}: a stored integer does not fit 32 bits.");
            }
            if (actionSpace.ExplainObject(action) is string why)
                throw new InvalidDataException($"{file}: action {i} is not in {actionSpace}: {why}.");
        }
    }

    private NpyArray Get(IReadOnlyDictionary<string, NpyArray> arrays, string name) =>
        arrays.TryGetValue(name, out var a) ? a : throw new InvalidDataException($"{File}: the array '{name}' is missing.");

    private NpyArray Checked(string? why, NpyArray a, string name) =>
        why is null ? a : throw new InvalidDataException($"{File}: '{name}' has {why}.");

    private T[] Vector<T>(IReadOnlyDictionary<string, NpyArray> arrays, string name, NpyDType dtype, int t) where T : unmanaged
    {
        var a = Get(arrays, name);
        if (a.DType != dtype || a.Shape.Count != 1 || a.Shape[0] != t)
            throw new InvalidDataException($"{File}: '{name}' is {a}, expected {NpyArray.Name(dtype)} ({t},).");
        return a.AsSpan<T>().ToArray();
    }

    /// <summary>The npz file the episode came from (or will be written to).</summary>
    public string File { get; }

    /// <summary>The number of steps.</summary>
    public int Length { get; }

    /// <summary>The observations, (Length + 1, *observation shape).</summary>
    public NpyArray Observations { get; }

    /// <summary>The actions, (Length, *action shape).</summary>
    public NpyArray Actions { get; }

    /// <summary>The reward of each step.</summary>
    public double[] Rewards { get; }

    /// <summary>The terminated flag of each step.</summary>
    public bool[] Terminated { get; }

    /// <summary>The truncated flag of each step.</summary>
    public bool[] Truncated { get; }

    /// <summary>The kept scalar step infos by key, each of shape (Length,) (see the remarks).</summary>
    public IReadOnlyDictionary<string, NpyArray> Infos { get; }

    /// <summary>The sum of the rewards.</summary>
    public double Return => Rewards.Sum();

    /// <summary>Observation <paramref name="t"/> (0 = after reset) as a value of the observation space.</summary>
    public object Observation(int t) => _obs.Decode(Observations, t);

    /// <summary>Action <paramref name="t"/> as a value of the action space.</summary>
    public object Action(int t) => _act.Decode(Actions, t);

    /// <summary>All arrays as written to the npz file.</summary>
    public IEnumerable<KeyValuePair<string, NpyArray>> Arrays()
    {
        yield return new("observations", Observations);
        yield return new("actions", Actions);
        yield return new("rewards", NpyArray.From(Rewards));
        yield return new("terminated", NpyArray.From(Terminated));
        yield return new("truncated", NpyArray.From(Truncated));
        foreach (var (k, v) in Infos) yield return new("info_" + k, v);
    }
}
