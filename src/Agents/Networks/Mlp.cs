using Rl.Core;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>
/// A multilayer perceptron body: Linear → [LayerNorm] → activation for each hidden size. Its output is the last hidden
/// layer's features; heads (policy, value) sit on top.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> layers;

    /// <summary>Builds the MLP and initializes its weights from <paramref name="rng"/>.</summary>
    /// <param name="inputSize">Length of the input vector.</param>
    /// <param name="hiddenSizes">Width of each hidden layer (at least one).</param>
    /// <param name="activation">Nonlinearity after each hidden layer.</param>
    /// <param name="init">Weight initialization.</param>
    /// <param name="rng">Source of the initial weights.</param>
    /// <param name="layerNorm">Insert LayerNorm before each activation.</param>
    public Mlp(int inputSize, IReadOnlyList<int> hiddenSizes, Activation activation, InitScheme init, Rng rng, bool layerNorm = false) : base(nameof(Mlp))
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "MLP input size must be positive");
        if (hiddenSizes.Count == 0 || hiddenSizes.Any(h => h <= 0))
            throw new ArgumentException($"MLP hidden sizes must be a non-empty list of positive widths, got [{string.Join(", ", hiddenSizes)}]", nameof(hiddenSizes));
        var seq = nn.Sequential();
        int width = inputSize;
        for (int i = 0; i < hiddenSizes.Count; i++)
        {
            seq.append($"linear{i}", nn.Linear(width, hiddenSizes[i]));
            if (layerNorm) seq.append($"norm{i}", nn.LayerNorm(hiddenSizes[i]));
            seq.append($"act{i}", NetworkNames.Module(activation));
            width = hiddenSizes[i];
        }
        layers = seq;
        OutputSize = width;
        RegisterComponents();
        WeightInit.InitializeAll(this, init, NetworkNames.Gain(activation), rng);
    }

    /// <summary>The number of output features.</summary>
    public int OutputSize { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => layers.forward(input);
}
