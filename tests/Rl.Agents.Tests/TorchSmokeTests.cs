using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Tests;

public class TorchSmokeTests
{
    [Fact]
    public void SmallConvNetRunsForwardBackwardAndAdamStep()
    {
        torch.manual_seed(0);
        using var scope = torch.NewDisposeScope();
        var net = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride: 2), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride: 2), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 2));
        var opt = torch.optim.Adam(net.parameters(), lr: 1e-2);
        var x = torch.randn(4, 3, 32, 32);
        var y = torch.tensor(new long[] { 0, 1, 0, 1 });
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        var loss = nn.functional.cross_entropy(net.forward(x), y);
        Assert.True(float.IsFinite(loss.item<float>()));
        opt.zero_grad();
        loss.backward();
        Assert.All(net.parameters(), p => Assert.NotNull(p.grad));
        opt.step();
        var after = net.parameters().ToList();
        Assert.Contains(Enumerable.Range(0, after.Count), i => !after[i].allclose(before[i]));
    }
}
