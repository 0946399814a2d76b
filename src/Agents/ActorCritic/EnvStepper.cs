using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.ActorCritic;

/// <summary>
/// Steps N environments in lockstep with autoreset, for the algorithms that collect fixed-length rollouts (ppo, a2c) or
/// single steps (dqn). This is the one place where those algorithms touch environments; it is meant to be replaced by the
/// shared rollout engine when that lands.
/// <para>
/// After <see cref="Step"/>, <see cref="Observations"/> holds each environment's next observation; an environment whose
/// episode ended (terminated or truncated) was reset at once, and the observation that ended the episode is in
/// <see cref="FinalObservations"/> (Gymnasium's "same-step" autoreset, SB3's <c>terminal_observation</c>). Every episode
/// starts with a reset seeded from <see cref="Rng"/>, so an environment's state is a function of that seed and the actions
/// taken since; checkpoints keep both and <see cref="Load"/> rebuilds the environments by replaying them, which makes
/// resuming exact for any deterministic environment without saving environment internals.
/// </para>
/// </summary>
public sealed class EnvStepper : IDisposable
{
    private readonly IEnv[] _envs;
    private readonly Func<int, ReadOnlySpan<float>, object> _toEnvAction;
    private readonly int[] _episodeSeeds;
    private readonly List<float>[] _episodeActions;
    private readonly double[] _episodeReturns;
    private readonly int[] _episodeLengths;
    private readonly List<(double Return, int Length)> _finished = [];
    private bool _started;

    /// <summary>Creates <paramref name="numEnvs"/> environments with <paramref name="makeEnv"/>.</summary>
    /// <param name="makeEnv">Builds one environment.</param>
    /// <param name="numEnvs">N, at least 1.</param>
    /// <param name="rng">Seeds every episode's reset.</param>
    /// <param name="actionWidth">Floats per action row.</param>
    /// <param name="toEnvAction">Converts an action row of environment <c>i</c> to a value of the action space.</param>
    /// <exception cref="ArgumentException">If the environments disagree on their spaces.</exception>
    public EnvStepper(Func<IEnv> makeEnv, int numEnvs, Rng rng, int actionWidth, Func<int, ReadOnlySpan<float>, object> toEnvAction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        Rng = rng;
        ActionWidth = actionWidth;
        _toEnvAction = toEnvAction;
        _envs = new IEnv[numEnvs];
        try
        {
            for (int i = 0; i < numEnvs; i++) _envs[i] = makeEnv();
        }
        catch
        {
            foreach (var env in _envs) env?.Dispose();
            throw;
        }
        ObservationSpace = _envs[0].ObservationSpace;
        ActionSpace = _envs[0].ActionSpace;
        foreach (var env in _envs)
            if (env.ObservationSpace.ToString() != ObservationSpace.ToString() || env.ActionSpace.ToString() != ActionSpace.ToString())
                throw new ArgumentException($"environment {env.Name} has spaces {env.ObservationSpace} / {env.ActionSpace}, the first has {ObservationSpace} / {ActionSpace}");
        ObservationSize = ObservationSpace.FlatDim;
        Observations = new float[numEnvs * ObservationSize];
        FinalObservations = new float[numEnvs * ObservationSize];
        Rewards = new float[numEnvs];
        Terminated = new bool[numEnvs];
        Truncated = new bool[numEnvs];
        _episodeSeeds = new int[numEnvs];
        _episodeActions = Enumerable.Range(0, numEnvs).Select(_ => new List<float>()).ToArray();
        _episodeReturns = new double[numEnvs];
        _episodeLengths = new int[numEnvs];
    }

    /// <summary>Builds a stepper whose action rows are converted by <paramref name="toEnvAction"/> for every environment.</summary>
    public EnvStepper(Func<IEnv> makeEnv, int numEnvs, Rng rng, int actionWidth, Func<ReadOnlySpan<float>, object> toEnvAction)
        : this(makeEnv, numEnvs, rng, actionWidth, (_, row) => toEnvAction(row)) { }

    /// <summary>The environments' observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The environments' action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>Floats per flattened observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>N.</summary>
    public int NumEnvs => _envs.Length;

    /// <summary>The generator that seeds every episode.</summary>
    public Rng Rng { get; }

    /// <summary>The current observation of each environment [N × obs] (after autoreset).</summary>
    public float[] Observations { get; }

    /// <summary>The observation that ended the episode [N × obs], valid where <see cref="Terminated"/> or <see cref="Truncated"/>.</summary>
    public float[] FinalObservations { get; }

    /// <summary>The rewards of the last step [N].</summary>
    public float[] Rewards { get; }

    /// <summary>Whether the last step terminated the episode [N].</summary>
    public bool[] Terminated { get; }

    /// <summary>Whether the last step truncated the episode (and did not terminate it) [N].</summary>
    public bool[] Truncated { get; }

    /// <summary>Resets every environment (seeded) unless that was done already; <see cref="Step"/> calls it.</summary>
    public void Start()
    {
        if (_started) return;
        for (int i = 0; i < _envs.Length; i++) ResetEnv(i);
        _started = true;
    }

    /// <summary>Steps every environment with its action row (<paramref name="actions"/> is [N × width]).</summary>
    public void Step(ReadOnlySpan<float> actions)
    {
        Start();
        if (actions.Length != _envs.Length * ActionWidth)
            throw new ArgumentException($"expected {_envs.Length}×{ActionWidth} action floats, got {actions.Length}", nameof(actions));
        for (int i = 0; i < _envs.Length; i++)
        {
            var row = actions.Slice(i * ActionWidth, ActionWidth);
            var r = _envs[i].StepObject(_toEnvAction(i, row));
            _episodeActions[i].AddRange(row);
            Rewards[i] = (float)r.Reward;
            Terminated[i] = r.Terminated;
            Truncated[i] = r.Truncated && !r.Terminated;
            _episodeReturns[i] += r.Reward;
            _episodeLengths[i]++;
            var current = Observations.AsSpan(i * ObservationSize, ObservationSize);
            if (r.Terminated || r.Truncated)
            {
                ObservationSpace.FlattenObject(r.Observation, FinalObservations.AsSpan(i * ObservationSize, ObservationSize));
                _finished.Add((_episodeReturns[i], _episodeLengths[i]));
                ResetEnv(i);
            }
            else
            {
                ObservationSpace.FlattenObject(r.Observation, current);
            }
        }
    }

    /// <summary>The episodes finished since the last call (return, length), in the order they ended; clears the list.</summary>
    public (double[] Returns, int[] Lengths) TakeFinishedEpisodes()
    {
        var result = (_finished.Select(e => e.Return).ToArray(), _finished.Select(e => e.Length).ToArray());
        _finished.Clear();
        return result;
    }

    private void ResetEnv(int i)
    {
        _episodeSeeds[i] = Rng.NextSeed();
        _episodeActions[i].Clear();
        _episodeReturns[i] = 0;
        _episodeLengths[i] = 0;
        var r = _envs[i].ResetObject(seed: _episodeSeeds[i]);
        ObservationSpace.FlattenObject(r.Observation, Observations.AsSpan(i * ObservationSize, ObservationSize));
    }

    /// <summary>Writes the seed generator and, per environment, the episode's seed, actions, return and length.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        checkpoint.PutRng($"{prefix}/rng", Rng);
        checkpoint.PutArray($"{prefix}/started", [_started ? 1 : 0]);
        checkpoint.PutArray($"{prefix}/episode_seeds", _episodeSeeds);
        checkpoint.PutArray($"{prefix}/episode_returns", _episodeReturns);
        checkpoint.PutArray($"{prefix}/episode_lengths", _episodeLengths);
        for (int i = 0; i < _envs.Length; i++)
            checkpoint.PutArray($"{prefix}/episode_actions/{i}", System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_episodeActions[i]));
    }

    /// <summary>Restores what <see cref="Save"/> wrote and replays each environment's episode so far.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or the replay ends an episode early (a nondeterministic environment).</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        checkpoint.GetRng($"{prefix}/rng", Rng);
        _started = checkpoint.GetArray<int>($"{prefix}/started", 1)[0] == 1;
        checkpoint.GetArray<int>($"{prefix}/episode_seeds", _envs.Length).CopyTo(_episodeSeeds, 0);
        checkpoint.GetArray<double>($"{prefix}/episode_returns", _envs.Length).CopyTo(_episodeReturns, 0);
        checkpoint.GetArray<int>($"{prefix}/episode_lengths", _envs.Length).CopyTo(_episodeLengths, 0);
        _finished.Clear();
        if (!_started) return;
        for (int i = 0; i < _envs.Length; i++)
        {
            var actions = checkpoint.GetArray<float>($"{prefix}/episode_actions/{i}");
            if (actions.Length != _episodeLengths[i] * ActionWidth)
                throw new CheckpointException($"checkpoint entry '{prefix}/episode_actions/{i}' holds {actions.Length} floats, expected {_episodeLengths[i]}×{ActionWidth}");
            _episodeActions[i].Clear();
            _episodeActions[i].AddRange(actions);
            var r = _envs[i].ResetObject(seed: _episodeSeeds[i]);
            object observation = r.Observation;
            for (int t = 0; t < _episodeLengths[i]; t++)
            {
                var s = _envs[i].StepObject(_toEnvAction(i, actions.AsSpan(t * ActionWidth, ActionWidth)));
                if (s.Terminated || s.Truncated)
                    throw new CheckpointException($"replaying environment {i} ({_envs[i].Name}) from its checkpointed seed ended the episode at step {t + 1} of {_episodeLengths[i]}: the environment is not deterministic, so this run cannot resume exactly");
                observation = s.Observation;
            }
            ObservationSpace.FlattenObject(observation, Observations.AsSpan(i * ObservationSize, ObservationSize));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var env in _envs) env.Dispose();
    }
}
