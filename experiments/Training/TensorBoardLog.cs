using TorchSharp;

namespace Rl.Experiments.Training;

/// <summary>
/// TensorBoard event files through TorchSharp's <c>torch.utils.tensorboard.SummaryWriter</c> (scalars and histograms; the
/// x axis is environment steps). A resumed run adds a new event file to the same folder.
/// </summary>
public sealed class TensorBoardLog
{
    private readonly TorchSharp.Modules.SummaryWriter _writer;

    /// <summary>Opens a new event file in <paramref name="directory"/>.</summary>
    public TensorBoardLog(string directory)
    {
        Directory = directory;
        _writer = torch.utils.tensorboard.SummaryWriter(directory);
    }

    /// <summary>The log folder (<c>tensorboard --logdir</c> it).</summary>
    public string Directory { get; }

    /// <summary>Adds a scalar at environment step <paramref name="step"/>.</summary>
    public void Scalar(string tag, double value, long step) => _writer.add_scalar(tag, (float)value, Step(step));

    /// <summary>Adds a histogram of <paramref name="values"/> at environment step <paramref name="step"/>.</summary>
    public void Histogram(string tag, float[] values, long step)
    {
        if (values.Length == 0) return;
        using var scope = torch.NewDisposeScope();
        _writer.add_histogram(tag, torch.tensor(values), Step(step));
    }

    // The writer's step is an int; longer runs saturate rather than wrap.
    private static int Step(long step) => (int)Math.Min(step, int.MaxValue);
}
