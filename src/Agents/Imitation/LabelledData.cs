using System.Runtime.InteropServices;
using Rl.Agents.Training;

namespace Rl.Agents.Imitation;

/// <summary>
/// Labelled states for supervised imitation: observation rows (flat floats, or raw bytes for uint8 images, a quarter of
/// the memory) paired with action rows in the policy head's row form. Appended to, never reordered.
/// </summary>
public sealed class LabelledData
{
    private readonly List<float> _floatObs = [];
    private readonly List<byte> _byteObs = [];
    private readonly List<float> _actions = [];

    /// <summary>Creates an empty set for observation rows of <paramref name="observationSize"/> values.</summary>
    /// <param name="observationSize">Values per observation row.</param>
    /// <param name="actionWidth">Floats per action row.</param>
    /// <param name="byteObservations">Store observations as bytes (uint8 images).</param>
    public LabelledData(int observationSize, int actionWidth, bool byteObservations)
    {
        ObservationSize = observationSize;
        ActionWidth = actionWidth;
        ByteObservations = byteObservations;
    }

    /// <summary>Values per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>Whether observations are stored as bytes.</summary>
    public bool ByteObservations { get; }

    /// <summary>Number of labelled states.</summary>
    public int Count => _actions.Count / ActionWidth;

    /// <summary>Adds a float observation row and its action row.</summary>
    public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action)
    {
        if (ByteObservations) throw new InvalidOperationException("this labelled set stores byte observations");
        _floatObs.AddRange(observation[..ObservationSize]);
        _actions.AddRange(action[..ActionWidth]);
    }

    /// <summary>Adds a byte observation row (a uint8 image) and its action row.</summary>
    public void Add(ReadOnlySpan<byte> observation, ReadOnlySpan<float> action)
    {
        if (!ByteObservations) throw new InvalidOperationException("this labelled set stores float observations");
        _byteObs.AddRange(observation[..ObservationSize]);
        _actions.AddRange(action[..ActionWidth]);
    }

    /// <summary>Copies observation row <paramref name="index"/> as floats into <paramref name="destination"/>.</summary>
    public void ObservationRow(int index, Span<float> destination)
    {
        if (ByteObservations)
        {
            var src = CollectionsMarshal.AsSpan(_byteObs).Slice(index * ObservationSize, ObservationSize);
            for (int i = 0; i < src.Length; i++) destination[i] = src[i];
        }
        else CollectionsMarshal.AsSpan(_floatObs).Slice(index * ObservationSize, ObservationSize).CopyTo(destination);
    }

    /// <summary>Action row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> ActionRow(int index) => CollectionsMarshal.AsSpan(_actions).Slice(index * ActionWidth, ActionWidth);

    /// <summary>Copies the rows <paramref name="indices"/> into batch buffers [n, obs] and [n, width].</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> observations, Span<float> actions)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            ObservationRow(indices[k], observations.Slice(k * ObservationSize, ObservationSize));
            ActionRow(indices[k]).CopyTo(actions.Slice(k * ActionWidth, ActionWidth));
        }
    }

    /// <summary>Writes the rows under <paramref name="prefix"/>.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        if (ByteObservations) checkpoint.PutArray<byte>($"{prefix}/observations", CollectionsMarshal.AsSpan(_byteObs));
        else checkpoint.PutArray<float>($"{prefix}/observations", CollectionsMarshal.AsSpan(_floatObs));
        checkpoint.PutArray<float>($"{prefix}/actions", CollectionsMarshal.AsSpan(_actions));
    }

    /// <summary>Replaces the rows with those written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or its size does not fit.</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        var actions = checkpoint.GetArray<float>($"{prefix}/actions");
        int count = actions.Length / ActionWidth;
        _actions.Clear();
        _actions.AddRange(actions);
        _floatObs.Clear();
        _byteObs.Clear();
        if (ByteObservations) _byteObs.AddRange(checkpoint.GetArray<byte>($"{prefix}/observations", count * ObservationSize));
        else _floatObs.AddRange(checkpoint.GetArray<float>($"{prefix}/observations", count * ObservationSize));
    }
}
