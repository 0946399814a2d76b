using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>
/// Input normalization (x − μ) / σ for network inputs. Vector observations use running statistics over everything seen
/// (updated once per iteration, so the policy stays fixed while it collects data), clipped to ±<see cref="Clip"/>;
/// uint8 images are scaled by 1/255; otherwise the input passes unchanged. The statistics are part of checkpoints.
/// </summary>
public sealed class InputNormalizer : IDisposable
{
    private readonly RunningMeanStd? _stats;
    private readonly Device _device;
    private Tensor? _mean;
    private Tensor? _invStd;
    private readonly double _divisor;

    private InputNormalizer(int size, RunningMeanStd? stats, double divisor, Device device)
    {
        Size = size;
        _stats = stats;
        _divisor = divisor;
        _device = device;
        RefreshTensors();
    }

    /// <summary>Chooses the normalization for <paramref name="observationSpace"/>: running statistics when <paramref name="running"/>, 1/255 for uint8 boxes.</summary>
    public static InputNormalizer ForSpace(Space observationSpace, bool running, Device device)
    {
        int size = observationSpace.FlatDim;
        if (observationSpace is IBox { DType: DType.UInt8 }) return new InputNormalizer(size, null, 255.0, device);
        return new InputNormalizer(size, running ? new RunningMeanStd(size) : null, 1.0, device);
    }

    /// <summary>Length of an input row.</summary>
    public int Size { get; }

    /// <summary>Whether running statistics are kept.</summary>
    public bool IsRunning => _stats is not null;

    /// <summary>Normalized values are clipped to ±this (running statistics only).</summary>
    public double Clip { get; init; } = 10.0;

    /// <summary>The running statistics, or null.</summary>
    public RunningMeanStd? Statistics => _stats;

    /// <summary>Normalizes rows of raw inputs [N, Size] on the device.</summary>
    public Tensor Normalize(Tensor x)
    {
        // Explicit Scalars, alive until the ops have run (docs/architecture.md, "TorchSharp Scalars").
        if (_mean is not null && _invStd is not null)
        {
            using var low = (-Clip).ToScalar();
            using var high = Clip.ToScalar();
            return ((x - _mean) * _invStd).clamp_(low, high);
        }
        if (_divisor == 1.0) return x.alias();
        // Multiplying by the reciprocal: out-of-place division by a scalar is many times slower in libtorch here.
        using var reciprocal = (1.0 / _divisor).ToScalar();
        return x * reciprocal;
    }

    /// <summary>Adds <paramref name="count"/> rows of raw inputs to the running statistics (no-op without them).</summary>
    public void Update(ReadOnlySpan<float> rows, int count)
    {
        if (_stats is null || count == 0) return;
        if (rows.Length < count * Size) throw new ArgumentException($"normalizer update needs {count}×{Size} values, got {rows.Length}");
        var mean = new double[Size];
        var m2 = new double[Size];
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * Size, Size);
            for (int i = 0; i < Size; i++) mean[i] += row[i];
        }
        for (int i = 0; i < Size; i++) mean[i] /= count;
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * Size, Size);
            for (int i = 0; i < Size; i++)
            {
                double d = row[i] - mean[i];
                m2[i] += d * d;
            }
        }
        for (int i = 0; i < Size; i++) m2[i] /= count;
        _stats.Merge(mean, m2, count);
        RefreshTensors();
    }

    /// <summary>Writes the statistics under <paramref name="prefix"/>.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        if (_stats is null) return;
        checkpoint.PutArray($"{prefix}/mean", _stats.Mean);
        checkpoint.PutArray($"{prefix}/var", _stats.Variance);
        checkpoint.PutArray($"{prefix}/count", [_stats.Count]);
    }

    /// <summary>Restores the statistics written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or has another length.</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        if (_stats is null) return;
        _stats.Set(checkpoint.GetArray<double>($"{prefix}/mean", Size), checkpoint.GetArray<double>($"{prefix}/var", Size),
            checkpoint.GetArray<double>($"{prefix}/count", 1)[0]);
        RefreshTensors();
    }

    private void RefreshTensors()
    {
        if (_stats is null) return;
        var mean = new float[Size];
        var invStd = new float[Size];
        for (int i = 0; i < Size; i++)
        {
            mean[i] = (float)_stats.Mean[i];
            invStd[i] = (float)(1.0 / Math.Sqrt(_stats.Variance[i] + 1e-8));
        }
        _mean?.Dispose();
        _invStd?.Dispose();
        _mean = TensorRows.FromSpan(mean, [Size], _device).DetachFromDisposeScope();
        _invStd = TensorRows.FromSpan(invStd, [Size], _device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _mean?.Dispose();
        _invStd?.Dispose();
    }
}
