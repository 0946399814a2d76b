using Rl.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>
/// Weight initialization drawn from <see cref="Rng"/> rather than torch's global generator, so the same seed gives the
/// same initial network on every device (CPU and CUDA generators differ) and no other code can disturb it.
/// </summary>
public static class WeightInit
{
    /// <summary>Fills a Linear ([out, in]) or Conv2d ([out, in, kh, kw]) weight in place.</summary>
    /// <param name="weight">The parameter to overwrite.</param>
    /// <param name="scheme">He, Xavier or orthogonal.</param>
    /// <param name="gain">Scale for the activation that follows (sqrt(2) for ReLU, 5/3 for tanh, small for output heads).</param>
    /// <param name="rng">The source of randomness.</param>
    public static void Initialize(Tensor weight, InitScheme scheme, double gain, Rng rng)
    {
        if (weight.dim() < 2) throw new ArgumentException($"weight init needs a matrix or conv kernel, got shape [{string.Join(", ", weight.shape)}]", nameof(weight));
        long fanOut = weight.shape[0];
        long receptive = weight.numel() / (weight.shape[0] * weight.shape[1]);
        long fanIn = weight.shape[1] * receptive;
        fanOut *= receptive;
        var values = new double[weight.numel()];
        switch (scheme)
        {
            case InitScheme.He:
            {
                double std = gain / Math.Sqrt(fanIn);
                for (int i = 0; i < values.Length; i++) values[i] = std * rng.NextGaussian();
                break;
            }
            case InitScheme.Xavier:
            {
                double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < values.Length; i++) values[i] = rng.Uniform(-bound, bound);
                break;
            }
            case InitScheme.TorchDefault:
            {
                double bound = TorchDefaultBound(fanIn);
                for (int i = 0; i < values.Length; i++) values[i] = rng.Uniform(-bound, bound);
                break;
            }
            default:
                Orthogonal(values, (int)weight.shape[0], (int)fanIn, gain, rng);
                break;
        }
        using var _ = torch.no_grad();
        using var cpu = torch.tensor(values, weight.shape, ScalarType.Float64);
        weight.copy_(cpu);
    }

    /// <summary>
    /// Initializes every Linear and Conv2d weight of <paramref name="module"/> with <paramref name="gain"/> and sets their
    /// biases to zero; normalization layers get scale 1 and shift 0 (TorchSharp 0.107 leaves GroupNorm's uninitialized).
    /// Output heads are initialized by their own constructors with their own gains.
    /// </summary>
    public static void InitializeAll(nn.Module module, InitScheme scheme, double gain, Rng rng)
    {
        foreach (var (_, m) in module.named_modules())
        {
            switch (m)
            {
                case Linear l:
                    InitializeLayer(l.weight!, l.bias, scheme, gain, rng);
                    break;
                case Conv2d c:
                    InitializeLayer(c.weight!, c.bias, scheme, gain, rng);
                    break;
                case GroupNorm g:
                    ResetAffine(g.weight, g.bias);
                    break;
                case LayerNorm l:
                    ResetAffine(l.weight, l.bias);
                    break;
                case BatchNorm2d b:
                    ResetAffine(b.weight, b.bias);
                    break;
            }
        }
    }

    /// <summary>
    /// Initializes one layer: the weight by <paramref name="scheme"/>, the bias (if any) to zero, or, for
    /// <see cref="InitScheme.TorchDefault"/>, uniform in ±1/sqrt(fan_in) as PyTorch does.
    /// </summary>
    public static void InitializeLayer(Tensor weight, Tensor? bias, InitScheme scheme, double gain, Rng rng)
    {
        Initialize(weight, scheme, gain, rng);
        if (bias is null) return;
        using var _ = torch.no_grad();
        if (scheme != InitScheme.TorchDefault)
        {
            bias.zero_();
            return;
        }
        double bound = TorchDefaultBound(weight.numel() / weight.shape[0]);
        var values = new double[bias.numel()];
        for (int i = 0; i < values.Length; i++) values[i] = rng.Uniform(-bound, bound);
        using var cpu = torch.tensor(values, bias.shape, ScalarType.Float64);
        bias.copy_(cpu);
    }

    // PyTorch's default bound for a layer's weights and biases: kaiming_uniform with a = √5 gives gain √(1/3) and
    // bound gain·√(3/fan_in) = 1/√fan_in, the same bound its bias init uses.
    private static double TorchDefaultBound(long fanIn) => 1.0 / Math.Sqrt(fanIn);

    private static void ResetAffine(Tensor? weight, Tensor? bias)
    {
        using var _ = torch.no_grad();
        using var one = 1.0.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        weight?.fill_(one);
        bias?.zero_();
    }

    // Orthogonal rows (or columns, whichever is fewer) from the QR decomposition of a Gaussian matrix, sign-corrected so the
    // result is uniformly distributed (Mezzadri 2007).
    private static void Orthogonal(double[] values, int rows, int cols, double gain, Rng rng)
    {
        bool transpose = rows < cols;
        int n = transpose ? cols : rows, m = transpose ? rows : cols;
        var g = new double[n * m];
        for (int i = 0; i < g.Length; i++) g[i] = rng.NextGaussian();
        using var a = torch.tensor(g, [n, m], ScalarType.Float64);
        var (q, r) = torch.linalg.qr(a);
        using (q)
        using (r)
        using (var d = r.diagonal().sign())
        using (var qs = q * d.unsqueeze(0))
        using (var result = transpose ? qs.t().contiguous() : qs.contiguous())
        {
            var data = result.data<double>().ToArray();
            for (int i = 0; i < values.Length; i++) values[i] = gain * data[i];
        }
    }
}
