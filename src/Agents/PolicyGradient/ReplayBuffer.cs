using System.Runtime.InteropServices;
using Rl.Agents.Networks;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.PolicyGradient;

/// <summary>A minibatch drawn from a <see cref="ReplayBuffer"/>, as tensors on the device.</summary>
/// <param name="Index">The rows drawn (storage indices) [B].</param>
/// <param name="Observations">Raw observation rows [B, obs].</param>
/// <param name="Actions">Action rows [B, width].</param>
/// <param name="BehaviourLogProbs">log μ(a|s) of the policy that acted [B].</param>
public sealed record ReplayMinibatch(Tensor Index, Tensor Observations, Tensor Actions, Tensor BehaviourLogProbs);

/// <summary>
/// A first-in-first-out replay buffer of whole episodes' steps with a fixed capacity in steps: the oldest steps are
/// overwritten first. Each step keeps what off-policy policy gradient needs: observation, action, the behaviour policy's
/// log-probability log μ(a|s), reward, and how it ends its episode (with the final observation of a truncated episode),
/// so per-decision importance-weighted returns can be recomputed for the current policy (<see cref="VTrace"/>).
/// </summary>
public sealed class ReplayBuffer
{
    private readonly float[] _observations;
    private readonly float[] _actions;
    private readonly float[] _logProbs;
    private readonly float[] _rewards;
    private readonly StepEnd[] _ends;
    private readonly Dictionary<int, float[]> _finals = [];
    private int _next;

    /// <summary>Creates an empty buffer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If a size is not positive.</exception>
    public ReplayBuffer(int capacity, int observationSize, int actionWidth)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "buffer capacity must be positive");
        if (observationSize <= 0 || actionWidth <= 0) throw new ArgumentOutOfRangeException(nameof(observationSize), "row sizes must be positive");
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionWidth = actionWidth;
        _observations = new float[(long)capacity * observationSize];
        _actions = new float[capacity * actionWidth];
        _logProbs = new float[capacity];
        _rewards = new float[capacity];
        _ends = new StepEnd[capacity];
    }

    /// <summary>The most steps held.</summary>
    public int Capacity { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>Steps held now.</summary>
    public int Count { get; private set; }

    /// <summary>The storage index of the <paramref name="k"/>-th oldest step.</summary>
    public int StorageIndex(int k) => Count < Capacity ? k : (_next + k) % Capacity;

    /// <summary>Adds every step of <paramref name="batch"/>'s episodes, overwriting the oldest steps when full.</summary>
    public void Add(RolloutBatch batch)
    {
        if (batch.ObservationSize != ObservationSize || batch.ActionWidth != ActionWidth)
            throw new ArgumentException($"batch rows ({batch.ObservationSize}, {batch.ActionWidth}) do not fit the buffer ({ObservationSize}, {ActionWidth})");
        foreach (var e in batch.Episodes)
        {
            for (int t = e.Start; t < e.Start + e.Length; t++)
            {
                int i = _next;
                _finals.Remove(i);
                batch.Observations.Slice(t * ObservationSize, ObservationSize).CopyTo(_observations.AsSpan(i * ObservationSize, ObservationSize));
                batch.Actions.Slice(t * ActionWidth, ActionWidth).CopyTo(_actions.AsSpan(i * ActionWidth, ActionWidth));
                _logProbs[i] = batch.LogProbs[t];
                _rewards[i] = batch.Rewards[t];
                bool last = t == e.Start + e.Length - 1;
                _ends[i] = !last ? StepEnd.Continues : e.Truncated ? StepEnd.Truncated : StepEnd.Terminated;
                if (last && e.Truncated) _finals[i] = e.FinalObservation!; // a fresh array per truncated episode: safe to keep
                _next = (_next + 1) % Capacity;
                Count = Math.Min(Count + 1, Capacity);
            }
        }
    }

    /// <summary>Rewards of the held steps, oldest first.</summary>
    public float[] Rewards() => Chronological(_rewards);

    /// <summary>Behaviour log-probabilities of the held steps, oldest first.</summary>
    public float[] BehaviourLogProbs() => Chronological(_logProbs);

    /// <summary>Episode ends of the held steps, oldest first.</summary>
    public StepEnd[] Ends() => Chronological(_ends);

    /// <summary>Final observations of truncated episodes: (position among the held steps, oldest first; observation).</summary>
    public IEnumerable<(int Position, float[] Observation)> FinalObservations()
    {
        for (int k = 0; k < Count; k++)
            if (_finals.TryGetValue(StorageIndex(k), out var obs)) yield return (k, obs);
    }

    /// <summary>Indices (positions among the held steps, oldest first) of <paramref name="size"/> steps drawn uniformly with replacement.</summary>
    public int[] SampleIndices(int size, Rng rng)
    {
        if (Count == 0) throw new InvalidOperationException("cannot sample from an empty replay buffer");
        var idx = new int[size];
        for (int i = 0; i < size; i++) idx[i] = rng.NextInt(Count);
        return idx;
    }

    /// <summary>Gathers the steps at <paramref name="positions"/> (oldest first numbering) into tensors on <paramref name="device"/>.</summary>
    public ReplayMinibatch Gather(ReadOnlySpan<int> positions, Device device)
    {
        int n = positions.Length;
        var obs = new float[n * ObservationSize];
        var act = new float[n * ActionWidth];
        var logp = new float[n];
        var index = new long[n];
        for (int i = 0; i < n; i++)
        {
            int j = StorageIndex(positions[i]);
            _observations.AsSpan(j * ObservationSize, ObservationSize).CopyTo(obs.AsSpan(i * ObservationSize));
            _actions.AsSpan(j * ActionWidth, ActionWidth).CopyTo(act.AsSpan(i * ActionWidth));
            logp[i] = _logProbs[j];
            index[i] = positions[i];
        }
        return new ReplayMinibatch(
            TensorRows.FromSpan(index, device),
            TensorRows.FromSpan(obs, [n, ObservationSize], device),
            TensorRows.FromSpan(act, [n, ActionWidth], device),
            TensorRows.FromSpan(logp, [n], device));
    }

    /// <summary>All held steps, oldest first.</summary>
    public ReplayMinibatch All(Device device) => Gather(Enumerable.Range(0, Count).ToArray(), device);

    private T[] Chronological<T>(T[] storage)
    {
        var a = new T[Count];
        for (int k = 0; k < Count; k++) a[k] = storage[StorageIndex(k)];
        return a;
    }

    /// <summary>Writes the contents and the write position under <paramref name="prefix"/>.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        checkpoint.PutArray($"{prefix}/observations", _observations.AsSpan(0, Count * ObservationSize));
        checkpoint.PutArray($"{prefix}/actions", _actions.AsSpan(0, Count * ActionWidth));
        checkpoint.PutArray($"{prefix}/log_probs", _logProbs.AsSpan(0, Count));
        checkpoint.PutArray($"{prefix}/rewards", _rewards.AsSpan(0, Count));
        checkpoint.PutArray($"{prefix}/ends", MemoryMarshal.Cast<StepEnd, byte>(_ends.AsSpan(0, Count)));
        var keys = _finals.Keys.Order().ToArray();
        checkpoint.PutArray($"{prefix}/final_index", keys);
        checkpoint.PutArray($"{prefix}/final_observations", keys.SelectMany(k => _finals[k]).ToArray());
        checkpoint.PutArray($"{prefix}/position", [_next, Count]);
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or does not fit this buffer's capacity and row sizes.</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        var pos = checkpoint.GetArray<int>($"{prefix}/position", 2);
        if (pos[1] < 0 || pos[1] > Capacity || pos[0] < 0 || pos[0] >= Capacity)
            throw new CheckpointException($"checkpoint entry '{prefix}/position' ({pos[0]}, {pos[1]}) does not fit a buffer of capacity {Capacity}");
        int count = pos[1];
        checkpoint.GetArray<float>($"{prefix}/observations", count * ObservationSize).CopyTo(_observations, 0);
        checkpoint.GetArray<float>($"{prefix}/actions", count * ActionWidth).CopyTo(_actions, 0);
        checkpoint.GetArray<float>($"{prefix}/log_probs", count).CopyTo(_logProbs, 0);
        checkpoint.GetArray<float>($"{prefix}/rewards", count).CopyTo(_rewards, 0);
        MemoryMarshal.Cast<byte, StepEnd>(checkpoint.GetArray<byte>($"{prefix}/ends", count)).CopyTo(_ends);
        var keys = checkpoint.GetArray<int>($"{prefix}/final_index");
        var finals = checkpoint.GetArray<float>($"{prefix}/final_observations", keys.Length * ObservationSize);
        _finals.Clear();
        for (int i = 0; i < keys.Length; i++) _finals[keys[i]] = finals.AsSpan(i * ObservationSize, ObservationSize).ToArray();
        (_next, Count) = (pos[0], count);
    }
}
