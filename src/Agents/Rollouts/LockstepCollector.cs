using Rl.Core;

namespace Rl.Agents.Rollouts;

/// <summary>
/// The lockstep collection of the rollout engine (policy gradient, imitation, DAgger, PPO/A2C): the N sub-environments of a
/// <see cref="FlatVectorEnv"/> step together, and at each step the observation rows of all running episodes go through the
/// actor in one call (one forward pass).
/// </summary>
/// <remarks>
/// <para><b>Autoreset.</b> The vector environment runs in <see cref="Rl.Core.Vector.AutoresetMode.SameStep"/> mode: the step that
/// ends an episode returns the observation after the last action as a final observation and resets the sub-environment in
/// the same call. A truncated episode's value bootstrap reads that final observation (<see cref="EpisodeRecord.FinalObservation"/>,
/// <see cref="StepBatch.FinalObservations"/>); a terminated episode has no bootstrap.</para>
/// <para><b>Seeding.</b> <see cref="CollectEpisodes"/> gives every episode its own reset seed, drawn from <see cref="Rng"/> in the
/// order the episodes start (the sub-environments in index order at the first step, then at each step in index order as
/// their episodes end); the same-step autoreset is immediately replaced by a reset with that seed. A collection ends only
/// when all its episodes have ended, so no episode spans two collections and the generator state alone determines the next
/// collection (checkpoints need no environment state). <see cref="CollectSteps"/> seeds sub-environment i with
/// <c>s + i</c> (s drawn from <see cref="Rng"/>) at its first call and then lets episodes run across calls.</para>
/// <para><b>Allocation.</b> Observation, action and reward buffers are owned by the collector and the batch and only grow; with
/// a reused <see cref="RolloutBatch"/> a collection allocates nothing but what the actor, the environments' seeded resets
/// (a new generator per seeded reset) and the final observation of a truncated episode (one array) allocate.</para>
/// <para>A sub-environment with no episode to run is still stepped (with the all-zero action row) because a vector
/// environment steps all its sub-environments; its transitions are discarded and it takes no part in the forward pass.</para>
/// </remarks>
public sealed class LockstepCollector : IDisposable
{
    private readonly FlatVectorEnv _env;
    private readonly Episode[] _episodes;
    private readonly bool[] _active;
    private float[] _rows = [];
    private float[] _actionRows = [];
    private float[] _allActions = [];
    private float[] _logProbs = [];
    private bool _stepsStarted;

    /// <summary>Collects from <paramref name="env"/> (which the collector then owns), seeding episodes from <paramref name="rng"/>.</summary>
    public LockstepCollector(FlatVectorEnv env, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(rng);
        _env = env;
        Rng = rng;
        _episodes = new Episode[env.NumEnvs];
        // Sized for the registered time limit when there is one, so that episode buffers do not grow while collecting.
        int capacity = Math.Clamp(env.FirstEnv.Spec?.MaxEpisodeSteps ?? 64, 1, 4096);
        for (int i = 0; i < _episodes.Length; i++) _episodes[i] = new Episode(env.ObservationSize, env.ActionWidth, capacity);
        _active = new bool[env.NumEnvs];
    }

    /// <summary>Builds <paramref name="numEnvs"/> environments with <paramref name="makeEnv"/> (see <see cref="FlatVectorEnv.Create"/>).</summary>
    public LockstepCollector(Func<IEnv> makeEnv, int numEnvs, Rng rng) : this(FlatVectorEnv.Create(makeEnv, numEnvs), rng) { }

    /// <summary>The environments.</summary>
    public FlatVectorEnv Env => _env;

    /// <summary>The environments' observation space.</summary>
    public Rl.Core.Spaces.Space ObservationSpace => _env.ObservationSpace;

    /// <summary>The environments' action space.</summary>
    public Rl.Core.Spaces.Space ActionSpace => _env.ActionSpace;

    /// <summary>Floats per flattened observation.</summary>
    public int ObservationSize => _env.ObservationSize;

    /// <summary>The number of environments.</summary>
    public int NumEnvs => _env.NumEnvs;

    /// <summary>The generator that seeds every episode.</summary>
    public Rng Rng { get; }

    /// <summary>
    /// Collects complete episodes until at least <paramref name="minSteps"/> steps and <paramref name="minEpisodes"/>
    /// episodes are in hand: a sub-environment starts another episode only while the steps so far (finished and running)
    /// are below <paramref name="minSteps"/> or fewer than <paramref name="minEpisodes"/> episodes were started.
    /// </summary>
    /// <param name="actor">Chooses the actions.</param>
    /// <param name="minSteps">Steps to collect at least.</param>
    /// <param name="minEpisodes">Episodes to collect at least.</param>
    /// <param name="into">A batch to clear and refill (no allocation once it has grown), or null for a new one.</param>
    /// <exception cref="ArgumentException">If both targets are zero, or the actor's action width differs from the environment's.</exception>
    public RolloutBatch CollectEpisodes(IBatchActor actor, int minSteps, int minEpisodes = 0, RolloutBatch? into = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (minSteps <= 0 && minEpisodes <= 0) throw new ArgumentException("collect needs minSteps > 0 or minEpisodes > 0");
        CheckActor(actor);
        int width = _env.ActionWidth, obs = _env.ObservationSize, n = _env.NumEnvs;
        var batch = into ?? new RolloutBatch(obs, width);
        if (batch.ObservationSize != obs || batch.ActionWidth != width)
            throw new ArgumentException($"the batch has rows ({batch.ObservationSize}, {batch.ActionWidth}) but {_env.Name} needs ({obs}, {width})", nameof(into));
        batch.Clear();
        EnsureCapacity();
        _stepsStarted = false; // episodes are reseeded here, so a later CollectSteps starts afresh
        int started = 0;
        long stepsSoFar = 0;

        for (int i = 0; i < n; i++)
        {
            _episodes[i].Clear();
            _active[i] = stepsSoFar < minSteps || started < minEpisodes;
            if (!_active[i]) continue;
            started++;
            _env.ResetEnv(i, Rng.NextSeed());
        }
        while (true)
        {
            int count = GatherActiveRows();
            if (count == 0) break;
            ActAndStep(actor, count);
            int k = 0;
            for (int i = 0; i < n; i++)
            {
                if (!_active[i]) continue;
                var e = _episodes[i];
                e.Add(_rows.AsSpan(k * obs, obs), _actionRows.AsSpan(k * width, width), _logProbs[k], (float)_env.Rewards[i]);
                k++;
                stepsSoFar++;
                if (!_env.Done(i)) continue;
                bool truncated = _env.Truncated[i] && !_env.Terminated[i];
                e.FinishInto(batch, truncated, truncated ? _env.FinalObservationRow(i).ToArray() : null);
                _active[i] = stepsSoFar < minSteps || started < minEpisodes;
                if (!_active[i]) continue;
                started++;
                _env.ResetEnv(i, Rng.NextSeed());
            }
        }
        return batch;
    }

    /// <summary>
    /// Runs every environment for <see cref="StepBatch.StepsPerEnv"/> lockstep steps into <paramref name="batch"/>, episodes
    /// continuing across calls (the environments are reset with seeds from <see cref="Rng"/> on the first call, or after a
    /// <see cref="CollectEpisodes"/>).
    /// </summary>
    /// <exception cref="ArgumentException">If the batch's sizes do not match the environments or the actor.</exception>
    public void CollectSteps(IBatchActor actor, StepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(batch);
        CheckActor(actor);
        int width = _env.ActionWidth, obs = _env.ObservationSize, n = _env.NumEnvs;
        if (batch.NumEnvs != n || batch.ObservationSize != obs || batch.ActionWidth != width)
            throw new ArgumentException($"the step batch is for {batch.NumEnvs} envs with rows ({batch.ObservationSize}, {batch.ActionWidth}) but {_env.Name} has {n} with ({obs}, {width})", nameof(batch));
        EnsureCapacity();
        if (!_stepsStarted)
        {
            _env.Reset(Rng.NextSeed());
            foreach (var e in _episodes) e.Clear();
            _stepsStarted = true;
        }
        batch.Finished.Clear();
        for (int t = 0; t < batch.StepsPerEnv; t++)
        {
            int row = t * n;
            _env.Observations.AsSpan().CopyTo(batch.Observations.AsSpan(row * obs, n * obs));
            actor.Act(_env.Observations, n, batch.Actions.AsSpan(row * width, n * width), batch.LogProbs.AsSpan(row, n));
            _env.Step(batch.Actions.AsSpan(row * width, n * width));
            for (int i = 0; i < n; i++)
            {
                batch.Rewards[row + i] = (float)_env.Rewards[i];
                batch.Terminated[row + i] = _env.Terminated[i];
                batch.Truncated[row + i] = _env.Truncated[i] && !_env.Terminated[i];
                var e = _episodes[i];
                e.Return += _env.Rewards[i];
                e.Length++;
                if (!_env.Done(i)) continue;
                _env.FinalObservationRow(i).CopyTo(batch.FinalObservations.AsSpan((row + i) * obs, obs));
                batch.Finished.Add((e.Return, e.Length));
                e.Clear();
            }
        }
        _env.Observations.AsSpan().CopyTo(batch.LastObservations);
    }

    private void CheckActor(IBatchActor actor)
    {
        if (actor.ActionWidth != _env.ActionWidth)
            throw new ArgumentException($"the actor writes action rows of {actor.ActionWidth} floats but {_env.Name}'s action space {_env.ActionSpace} needs {_env.ActionWidth}", nameof(actor));
    }

    // Copies the observation rows of the active sub-environments, in index order, into _rows; returns how many.
    private int GatherActiveRows()
    {
        int obs = _env.ObservationSize, count = 0;
        for (int i = 0; i < _active.Length; i++)
            if (_active[i]) _env.ObservationRow(i).CopyTo(_rows.AsSpan(count++ * obs, obs));
        return count;
    }

    // One forward pass over the active rows, then one vector step (idle sub-environments get the all-zero row).
    private void ActAndStep(IBatchActor actor, int count)
    {
        int width = _env.ActionWidth, obs = _env.ObservationSize;
        actor.Act(_rows.AsSpan(0, count * obs), count, _actionRows.AsSpan(0, count * width), _logProbs.AsSpan(0, count));
        int k = 0;
        for (int i = 0; i < _active.Length; i++)
        {
            var dest = _allActions.AsSpan(i * width, width);
            if (_active[i]) _actionRows.AsSpan(k++ * width, width).CopyTo(dest);
            else dest.Clear();
        }
        _env.Step(_allActions);
    }

    private void EnsureCapacity()
    {
        int n = _env.NumEnvs, obs = _env.ObservationSize, width = _env.ActionWidth;
        if (_rows.Length < n * obs) _rows = new float[n * obs];
        if (_actionRows.Length < n * width) _actionRows = new float[n * width];
        if (_allActions.Length < n * width) _allActions = new float[n * width];
        if (_logProbs.Length < n) _logProbs = new float[n];
    }

    /// <inheritdoc />
    public void Dispose() => _env.Dispose();

    // The episode in progress in one sub-environment; its arrays only grow.
    private sealed class Episode(int observationSize, int actionWidth, int capacity)
    {
        private float[] _observations = new float[capacity * observationSize];
        private float[] _actions = new float[capacity * actionWidth];
        private float[] _rewards = new float[capacity];
        private float[] _logProbs = new float[capacity];
        public double Return;
        public int Length;

        public void Clear() => (Return, Length) = (0, 0);

        public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float logProb, float reward)
        {
            RolloutBatch.Grow(ref _observations, (Length + 1) * observationSize);
            RolloutBatch.Grow(ref _actions, (Length + 1) * actionWidth);
            RolloutBatch.Grow(ref _rewards, Length + 1);
            RolloutBatch.Grow(ref _logProbs, Length + 1);
            observation.CopyTo(_observations.AsSpan(Length * observationSize));
            action.CopyTo(_actions.AsSpan(Length * actionWidth));
            _logProbs[Length] = logProb;
            _rewards[Length] = reward;
            Return += reward;
            Length++;
        }

        public void FinishInto(RolloutBatch batch, bool truncated, float[]? final)
        {
            batch.AddEpisode(_observations.AsSpan(0, Length * observationSize), _actions.AsSpan(0, Length * actionWidth),
                _rewards.AsSpan(0, Length), _logProbs.AsSpan(0, Length), truncated, final);
            Clear();
        }
    }
}
