using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Agents.ActorCritic;

/// <summary>
/// Steps N environments in lockstep for the algorithms that collect fixed-length rollouts (ppo, a2c) or single steps (dqn),
/// over the rollout engine's <see cref="FlatVectorEnv"/> (typed, flat rows, same-step autoreset).
/// <para>
/// After <see cref="Step"/>, <see cref="Observations"/> holds each environment's next observation; an environment whose
/// episode ended (terminated or truncated) was reset at once, and the observation that ended the episode is in
/// <see cref="FinalObservations"/> (Gymnasium's same-step autoreset, SB3's <c>terminal_observation</c>). Every episode
/// starts with a reset seeded from <see cref="Rng"/>, so an environment's state is a function of that seed and the actions
/// taken since; checkpoints keep both and <see cref="Load"/> rebuilds the environments by replaying them, which makes
/// resuming exact for any deterministic environment without saving environment internals. (Behind a wrapper whose reset
/// may continue the game, <see cref="IContinuingReset"/> such as episodic life, the replay runs from the last real reset.)
/// </para>
/// </summary>
public sealed class EnvStepper : IDisposable
{
    private readonly FlatVectorEnv _vector;
    private readonly List<IEnv> _envs = [];
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
    /// <exception cref="ArgumentException">If the environments disagree on their spaces.</exception>
    public EnvStepper(Func<IEnv> makeEnv, int numEnvs, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        Rng = rng;
        // The sub-environments are kept so that Load can replay one of them alone.
        _vector = FlatVectorEnv.Create(() =>
        {
            var env = makeEnv();
            _envs.Add(env);
            return env;
        }, numEnvs);
        ObservationSpace = _vector.ObservationSpace;
        ActionSpace = _vector.ActionSpace;
        ObservationSize = _vector.ObservationSize;
        ActionWidth = _vector.ActionWidth;
        Observations = new float[numEnvs * ObservationSize];
        FinalObservations = _vector.FinalObservations;
        Rewards = new float[numEnvs];
        Terminated = _vector.Terminated;
        Truncated = new bool[numEnvs];
        _episodeSeeds = new int[numEnvs];
        _episodeActions = Enumerable.Range(0, numEnvs).Select(_ => new List<float>()).ToArray();
        _episodeReturns = new double[numEnvs];
        _episodeLengths = new int[numEnvs];
    }

    /// <summary>The environments' observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The environments' action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>Floats per flattened observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>N.</summary>
    public int NumEnvs => _vector.NumEnvs;

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
        for (int i = 0; i < NumEnvs; i++) ResetEnv(i);
        _started = true;
    }

    /// <summary>Steps every environment with its action row (<paramref name="actions"/> is [N × width]).</summary>
    public void Step(ReadOnlySpan<float> actions)
    {
        Start();
        _vector.Step(actions);
        _vector.Observations.CopyTo(Observations, 0);
        for (int i = 0; i < NumEnvs; i++)
        {
            _episodeActions[i].AddRange(actions.Slice(i * ActionWidth, ActionWidth));
            Rewards[i] = (float)_vector.Rewards[i];
            Truncated[i] = _vector.Truncated[i] && !_vector.Terminated[i];
            _episodeReturns[i] += _vector.Rewards[i];
            _episodeLengths[i]++;
            if (!_vector.Done(i)) continue;
            _finished.Add((_episodeReturns[i], _episodeLengths[i]));
            if (ContinuingReset(i) is { LastResetWasReal: false })
            {
                // The autoreset continued the game after a lost life: a new episode, replayed from the game's start.
                (_episodeReturns[i], _episodeLengths[i]) = (0, 0);
                continue;
            }
            ResetEnv(i); // replaces the same-step autoreset by a reset with this episode's own seed
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
        int seed = Rng.NextSeed();
        _episodeReturns[i] = 0;
        _episodeLengths[i] = 0;
        _vector.ResetEnv(i, seed);
        _vector.ObservationRow(i).CopyTo(Observations.AsSpan(i * ObservationSize, ObservationSize));
        _episodeSeeds[i] = seed;
        _episodeActions[i].Clear();
    }

    private IContinuingReset? ContinuingReset(int i)
    {
        IEnv? e = _envs[i];
        while (e is not null)
        {
            if (e is IContinuingReset c) return c;
            e = e is IWrapper w ? w.InnerEnv : null;
        }
        return null;
    }

    /// <summary>Writes the seed generator and, per environment, the episode's seed, actions, return and length.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        checkpoint.PutRng($"{prefix}/rng", Rng);
        checkpoint.PutArray($"{prefix}/started", [_started ? 1 : 0]);
        checkpoint.PutArray($"{prefix}/episode_seeds", _episodeSeeds);
        checkpoint.PutArray($"{prefix}/episode_returns", _episodeReturns);
        checkpoint.PutArray($"{prefix}/episode_lengths", _episodeLengths);
        for (int i = 0; i < NumEnvs; i++)
            checkpoint.PutArray($"{prefix}/episode_actions/{i}", System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_episodeActions[i]));
    }

    /// <summary>Restores what <see cref="Save"/> wrote and replays each environment's episode so far.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or the replay ends an episode early (a nondeterministic environment).</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        checkpoint.GetRng($"{prefix}/rng", Rng);
        _started = checkpoint.GetArray<int>($"{prefix}/started", 1)[0] == 1;
        checkpoint.GetArray<int>($"{prefix}/episode_seeds", NumEnvs).CopyTo(_episodeSeeds, 0);
        checkpoint.GetArray<double>($"{prefix}/episode_returns", NumEnvs).CopyTo(_episodeReturns, 0);
        checkpoint.GetArray<int>($"{prefix}/episode_lengths", NumEnvs).CopyTo(_episodeLengths, 0);
        _finished.Clear();
        if (!_started) return;
        for (int i = 0; i < NumEnvs; i++)
        {
            var actions = checkpoint.GetArray<float>($"{prefix}/episode_actions/{i}");
            if (actions.Length % ActionWidth != 0 || actions.Length < _episodeLengths[i] * ActionWidth)
                throw new CheckpointException($"checkpoint entry '{prefix}/episode_actions/{i}' holds {actions.Length} floats, expected at least {_episodeLengths[i]}×{ActionWidth}");
            _episodeActions[i].Clear();
            _episodeActions[i].AddRange(actions);
            _vector.ResetEnv(i, _episodeSeeds[i]);
            object? observation = null;
            int steps = actions.Length / ActionWidth;
            for (int t = 0; t < steps; t++)
            {
                var s = _envs[i].StepObject(_vector.Actions.DecodeObject(actions.AsSpan(t * ActionWidth, ActionWidth)));
                observation = s.Observation;
                if (!s.Terminated && !s.Truncated) continue;
                if (ContinuingReset(i) is null)
                    throw new CheckpointException($"replaying environment {i} ({_envs[i].Name}) from its checkpointed seed ended the episode at step {t + 1} of {steps}: the environment is not deterministic, so this run cannot resume exactly");
                observation = _envs[i].ResetObject().Observation; // a lost life: the game went on
            }
            var row = Observations.AsSpan(i * ObservationSize, ObservationSize);
            if (observation is null) _vector.ObservationRow(i).CopyTo(row);
            else ObservationSpace.FlattenObject(observation, row);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _vector.Dispose();
    }
}
