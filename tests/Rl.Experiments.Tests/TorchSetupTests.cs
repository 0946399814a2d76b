using Rl.Agents;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Experiments.Tests;

public class TorchSetupTests
{
    private static void Batch1ConvForward()
    {
        using var scope = torch.NewDisposeScope();
        var conv = nn.Conv2d(3, 4, 3);
        using var _ = torch.no_grad();
        var y = conv.forward(torch.ones(1, 3, 16, 16));
        Assert.Equal([1, 4, 14, 14], y.shape);
    }

    [Fact]
    public void EnsureInitializedSwitchesNnpackOffAndBatch1ConvIsSilent()
    {
        TorchSetup.EnsureInitialized();
        Assert.False(TorchSetup.NnpackEnabled);
        string stderr = NativeStderr.Capture(Batch1ConvForward);
        Assert.DoesNotContain("NNPACK", stderr);
    }

    [Fact]
    public void NnpackFlagRoundTripsThroughLibtorchContext()
    {
        TorchSetup.EnsureInitialized();
        try
        {
            TorchSetup.NnpackEnabled = true;
            Assert.True(TorchSetup.NnpackEnabled);
            // On CPUs without NNPACK support (this machine kind) the enabled run prints "Could not initialize NNPACK!",
            // which shows that the capture sees native stderr; on supported CPUs it is silent either way.
            string noisy = NativeStderr.Capture(Batch1ConvForward);
            TorchSetup.NnpackEnabled = false;
            Assert.False(TorchSetup.NnpackEnabled);
            string quiet = NativeStderr.Capture(Batch1ConvForward);
            Assert.False(quiet.Contains("NNPACK"), $"NNPACK warning printed with NNPACK off: '{quiet}' (with it on: '{noisy}')");
        }
        finally
        {
            TorchSetup.NnpackEnabled = false;
        }
    }

    [Fact]
    public void DeviceResolution()
    {
        Assert.Equal("cpu", TorchSetup.ResolveDevice("cpu"));
        Assert.Equal(torch.cuda.is_available() ? "cuda" : "cpu", TorchSetup.ResolveDevice("auto"));
        var e = Assert.Throws<ArgumentException>(() => TorchSetup.ResolveDevice("tpu"));
        Assert.Contains("tpu", e.Message);
        if (!torch.cuda.is_available())
            Assert.Contains("no CUDA device", Assert.Throws<ArgumentException>(() => TorchSetup.ResolveDevice("cuda")).Message);
    }
}
