using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Agents.ValueBased;

/// <summary>A minibatch of transitions (s, a, r, s', terminated) drawn from a <see cref="FrameReplayBuffer"/>.</summary>
/// <param name="Observations">Observation rows s [B × obs].</param>
/// <param name="Actions">Action indices a [B].</param>
/// <param name="Rewards">Rewards r [B].</param>
/// <param name="NextObservations">Next observation rows s' [B × obs] (the final observation after a truncation or termination).</param>
/// <param name="Terminated">1 where s' is terminal (no bootstrap), else 0 [B].</param>
public sealed record ReplaySample(float[] Observations, float[] Actions, float[] Rewards, float[] NextObservations, float[] Terminated);

/// <summary>
/// DQN's experience replay that stores each frame once. With frame-stacked observations (k frames, oldest first, as
/// <c>FrameStack</c> gives them) only the newest frame of each observation is kept and the stack is rebuilt by index:
/// frame m back of entry j is entry j − min(m, steps since its episode began), which repeats the episode's first frame as
/// <c>FrameStack</c>'s reset padding does. Pixel frames (uint8 observation spaces) are kept as bytes, so a 64×64 grayscale
/// frame costs 4 KB and 100k of them 400 MB. Each environment has its own ring of capacity / N entries; an episode that
/// ends adds one extra entry for its final observation, so the next observation of every transition is the following
/// entry of the same ring. The oldest entries are overwritten first.
/// </summary>
public sealed class FrameReplayBuffer
{
    private readonly int _numEnvs;
    private readonly int _perEnv;
    private readonly int _frameSize;
    private readonly byte[]? _bytes;
    private readonly float[]? _floats;
    private readonly float[] _actions;
    private readonly float[] _rewards;
    private readonly byte[] _flags;        // bit 0: terminated; bit 1: final observation (not a transition)
    private readonly byte[] _offsets;      // steps since the episode began, capped at k − 1
    private readonly int[] _next;          // next write position per environment
    private readonly int[] _count;         // entries held per environment
    private readonly int[] _episodeStep;   // steps of the running episode per environment

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="capacity">Entries in all (split evenly between the environments); at least 2 per environment.</param>
    /// <param name="numEnvs">N.</param>
    /// <param name="observationSize">Floats per observation row (k frames).</param>
    /// <param name="frameStack">k: frames per observation row; the newest is the last <c>observationSize / k</c> values.</param>
    /// <param name="asBytes">Store frames as bytes (for uint8 observations: values 0-255).</param>
    /// <exception cref="ArgumentException">If a size is invalid, naming it.</exception>
    public FrameReplayBuffer(int capacity, int numEnvs, int observationSize, int frameStack, bool asBytes)
    {
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "need at least one environment");
        if (frameStack < 1 || frameStack > 255 || observationSize % frameStack != 0)
            throw new ArgumentException($"frame stack {frameStack} must be in [1, 255] and divide the observation size {observationSize}", nameof(frameStack));
        if (capacity < 2 * numEnvs) throw new ArgumentException($"buffer_size = {capacity} must hold at least 2 entries per environment ({2 * numEnvs})", nameof(capacity));
        _numEnvs = numEnvs;
        _perEnv = capacity / numEnvs;
        FrameStack = frameStack;
        ObservationSize = observationSize;
        _frameSize = observationSize / frameStack;
        long frames = (long)_perEnv * numEnvs * _frameSize;
        if (frames > Array.MaxLength) throw new ArgumentException($"buffer_size = {capacity} frames of {_frameSize} values exceed one array; lower buffer_size", nameof(capacity));
        if (asBytes) _bytes = new byte[frames];
        else _floats = new float[frames];
        int n = _perEnv * numEnvs;
        _actions = new float[n];
        _rewards = new float[n];
        _flags = new byte[n];
        _offsets = new byte[n];
        _next = new int[numEnvs];
        _count = new int[numEnvs];
        _episodeStep = new int[numEnvs];
    }

    /// <summary>Entries in all (capacity rounded down to a multiple of N).</summary>
    public int Capacity => _perEnv * _numEnvs;

    /// <summary>k.</summary>
    public int FrameStack { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Entries held now (transitions and final observations).</summary>
    public int Count => _count.Sum();

    /// <summary>Whether frames are kept as bytes.</summary>
    public bool StoresBytes => _bytes is not null;

    /// <summary>Bytes of frame storage.</summary>
    public long FrameBytes => _bytes?.LongLength ?? (_floats!.LongLength * sizeof(float));

    /// <summary>
    /// Adds the transition of environment <paramref name="env"/>: observation row s (only its newest frame is kept), action,
    /// reward and how the step ended; when it ended the episode, <paramref name="finalObservation"/> (s') is added too.
    /// </summary>
    public void Add(int env, ReadOnlySpan<float> observation, int action, float reward, bool terminated, bool truncated, ReadOnlySpan<float> finalObservation)
    {
        Write(env, observation, action, reward, terminated ? (byte)1 : (byte)0);
        _episodeStep[env]++;
        if (!terminated && !truncated) return;
        Write(env, finalObservation, 0, 0, 2);
        _episodeStep[env] = 0;
    }

    private void Write(int env, ReadOnlySpan<float> row, int action, float reward, byte flags)
    {
        int slot = env * _perEnv + _next[env];
        var frame = row.Slice(row.Length - _frameSize, _frameSize);
        if (_bytes is not null)
        {
            var dest = _bytes.AsSpan(slot * _frameSize, _frameSize);
            for (int i = 0; i < frame.Length; i++) dest[i] = (byte)frame[i];
        }
        else frame.CopyTo(_floats.AsSpan(slot * _frameSize, _frameSize));
        _actions[slot] = action;
        _rewards[slot] = reward;
        _flags[slot] = flags;
        _offsets[slot] = (byte)Math.Min(_episodeStep[env], FrameStack - 1);
        _next[env] = (_next[env] + 1) % _perEnv;
        _count[env] = Math.Min(_count[env] + 1, _perEnv);
    }

    /// <summary>Whether some transition can be sampled.</summary>
    public bool CanSample
    {
        get
        {
            for (int e = 0; e < _numEnvs; e++)
                if (_count[e] >= FrameStack + 1) return true;
            return false;
        }
    }

    /// <summary>Draws <paramref name="batchSize"/> transitions uniformly (with replacement) using <paramref name="rng"/>.</summary>
    /// <exception cref="InvalidOperationException">If no transition can be drawn yet.</exception>
    public ReplaySample Sample(int batchSize, Rng rng) => Sample(batchSize, rng, null);

    /// <summary>
    /// Draws <paramref name="batchSize"/> transitions like <see cref="Sample(int, Rng)"/>, into <paramref name="into"/>'s
    /// arrays when they have the batch's sizes (a training loop then allocates nothing per minibatch), else into new ones.
    /// </summary>
    /// <exception cref="InvalidOperationException">If no transition can be drawn yet.</exception>
    public ReplaySample Sample(int batchSize, Rng rng, ReplaySample? into)
    {
        if (!CanSample) throw new InvalidOperationException("the replay buffer holds no complete transition yet");
        var s = into is { Rewards.Length: var n } && n == batchSize && into.Observations.Length == batchSize * ObservationSize
            ? into
            : new ReplaySample(new float[batchSize * ObservationSize], new float[batchSize], new float[batchSize],
                new float[batchSize * ObservationSize], new float[batchSize]);
        for (int b = 0; b < batchSize; b++)
        {
            int env, age;
            while (true)
            {
                env = rng.NextInt(_numEnvs);
                int count = _count[env];
                if (count < FrameStack + 1) continue;
                // age 0 is the oldest entry; the newest has no successor yet, and the k − 1 oldest may have lost their history.
                age = rng.NextInt(count);
                if (age == count - 1 || (count == _perEnv && age < FrameStack - 1)) continue;
                if ((_flags[SlotOf(env, age)] & 2) != 0) continue;
                break;
            }
            int slot = SlotOf(env, age);
            _actions.AsSpan(slot, 1).CopyTo(s.Actions.AsSpan(b, 1));
            s.Rewards[b] = _rewards[slot];
            s.Terminated[b] = (_flags[slot] & 1) != 0 ? 1 : 0;
            Stack(env, age, s.Observations.AsSpan(b * ObservationSize, ObservationSize));
            Stack(env, age + 1, s.NextObservations.AsSpan(b * ObservationSize, ObservationSize));
        }
        return s;
    }

    private int SlotOf(int env, int age)
    {
        int oldest = _count[env] < _perEnv ? 0 : _next[env];
        return env * _perEnv + (oldest + age) % _perEnv;
    }

    // Rebuilds the observation row of the entry at `age`: frame m back is the entry min(m, offset) earlier.
    private void Stack(int env, int age, Span<float> row)
    {
        int offset = _offsets[SlotOf(env, age)];
        for (int i = 0; i < FrameStack; i++)
        {
            int back = Math.Min(FrameStack - 1 - i, offset);
            int slot = SlotOf(env, age - back);
            var dest = row.Slice(i * _frameSize, _frameSize);
            if (_bytes is not null)
            {
                var src = _bytes.AsSpan(slot * _frameSize, _frameSize);
                for (int p = 0; p < src.Length; p++) dest[p] = src[p];
            }
            else _floats.AsSpan(slot * _frameSize, _frameSize).CopyTo(dest);
        }
    }

    /// <summary>Writes the whole buffer under <paramref name="prefix"/> (large: frames included).</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        if (_bytes is not null) checkpoint.PutBytes($"{prefix}/frames", _bytes);
        else checkpoint.PutArray<float>($"{prefix}/frames", _floats);
        checkpoint.PutArray<float>($"{prefix}/actions", _actions);
        checkpoint.PutArray<float>($"{prefix}/rewards", _rewards);
        checkpoint.PutBytes($"{prefix}/flags", _flags);
        checkpoint.PutBytes($"{prefix}/offsets", _offsets);
        checkpoint.PutArray<int>($"{prefix}/positions", [.. _next, .. _count, .. _episodeStep]);
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or its size does not fit this buffer.</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        if (_bytes is not null) Fill(checkpoint.GetBytes($"{prefix}/frames"), _bytes, $"{prefix}/frames");
        else checkpoint.GetArray<float>($"{prefix}/frames", _floats!.Length).CopyTo(_floats, 0);
        checkpoint.GetArray<float>($"{prefix}/actions", _actions.Length).CopyTo(_actions, 0);
        checkpoint.GetArray<float>($"{prefix}/rewards", _rewards.Length).CopyTo(_rewards, 0);
        Fill(checkpoint.GetBytes($"{prefix}/flags"), _flags, $"{prefix}/flags");
        Fill(checkpoint.GetBytes($"{prefix}/offsets"), _offsets, $"{prefix}/offsets");
        var p = checkpoint.GetArray<int>($"{prefix}/positions", 3 * _numEnvs);
        p.AsSpan(0, _numEnvs).CopyTo(_next);
        p.AsSpan(_numEnvs, _numEnvs).CopyTo(_count);
        p.AsSpan(2 * _numEnvs, _numEnvs).CopyTo(_episodeStep);
    }

    private static void Fill(byte[] source, byte[] destination, string key)
    {
        if (source.Length != destination.Length)
            throw new CheckpointException($"checkpoint entry '{key}' holds {source.Length} bytes, this buffer needs {destination.Length} (another buffer_size or observation?)");
        source.CopyTo(destination, 0);
    }
}
