using static TorchSharp.torch;

namespace Rl.Agents.Tests.Networks;

internal static class TensorAssert
{
    /// <summary>Same shape and bit-for-bit equal elements.</summary>
    public static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
