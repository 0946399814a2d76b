using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>Resolves the runner's device names to torch devices.</summary>
public static class TorchDevice
{
    /// <summary>
    /// <c>cpu</c>, <c>cuda</c> (or <c>cuda:N</c>), or <c>auto</c> (CUDA when TorchSharp sees a GPU, else the CPU).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// For an unknown name, or CUDA asked for where TorchSharp sees none (this build carries the CPU libtorch unless it
    /// was built with the CUDA package).
    /// </exception>
    public static Device Resolve(string name)
    {
        switch (name)
        {
            case "cpu":
                return torch.CPU;
            case "auto":
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            case not null when name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal):
                if (!torch.cuda.is_available())
                    throw new ArgumentException($"device = \"{name}\" but TorchSharp sees no CUDA device (this build uses the CPU libtorch; build with -p:TorchCuda=true on a machine with the CUDA packages, or use --device cpu)");
                return torch.device(name);
            default:
                throw new ArgumentException($"device = \"{name}\" is not valid; use one of: auto, cpu, cuda, cuda:N");
        }
    }
}
