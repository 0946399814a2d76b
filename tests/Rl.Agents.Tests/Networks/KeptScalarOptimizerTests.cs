using Rl.Agents.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rl.Agents.Tests.Networks;

/// <summary>
/// <see cref="KeptScalarOptimizers"/> (the optimizers <see cref="TrainingOptimizer"/> uses, whose steps keep their Scalars
/// alive) against TorchSharp 0.107's own SGD, RMSProp and AdamW: the same parameters bit for bit after every step, and the
/// same saved state byte for byte, loadable by either (checkpoints written before keep loading).
/// </summary>
public class KeptScalarOptimizerTests
{
    private static optim.Optimizer Make(string kind, bool ours, IEnumerable<Parameter> ps) => kind switch
    {
        "sgd" => ours ? new KeptScalarOptimizers.SGD(ps, 0.05, 0, 0, 0.01, false) : optim.SGD(ps, 0.05, 0, 0, 0.01, false, false),
        "sgd-momentum" => ours ? new KeptScalarOptimizers.SGD(ps, 0.05, 0.9, 0.1, 0.01, false) : optim.SGD(ps, 0.05, 0.9, 0.1, 0.01, false, false),
        "sgd-nesterov" => ours ? new KeptScalarOptimizers.SGD(ps, 0.05, 0.9, 0, 0.01, true) : optim.SGD(ps, 0.05, 0.9, 0, 0.01, true, false),
        "rmsprop" => ours ? new KeptScalarOptimizers.RMSProp(ps, 0.01, 0.99, 1e-8, 0.01, 0, false) : optim.RMSProp(ps, 0.01, 0.99, 1e-8, 0.01, 0, false, false),
        "rmsprop-momentum" => ours ? new KeptScalarOptimizers.RMSProp(ps, 0.01, 0.9, 1e-5, 0.01, 0.9, false) : optim.RMSProp(ps, 0.01, 0.9, 1e-5, 0.01, 0.9, false, false),
        "rmsprop-centered" => ours ? new KeptScalarOptimizers.RMSProp(ps, 0.01, 0.95, 1e-6, 0.01, 0.5, true) : optim.RMSProp(ps, 0.01, 0.95, 1e-6, 0.01, 0.5, true, false),
        "adamw" => ours ? new KeptScalarOptimizers.AdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.01) : optim.AdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.01, false, false),
        "adamw-no-decay" => ours ? new KeptScalarOptimizers.AdamW(ps, 3e-3, 0.8, 0.99, 1e-5, 0) : optim.AdamW(ps, 3e-3, 0.8, 0.99, 1e-5, 0, false, false),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    private static Sequential Net(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2));
    }

    private static void Train(Sequential net, optim.Optimizer opt, Tensor x, Tensor y, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            // A changing learning rate, as TrainingOptimizer's schedule sets it before each step.
            foreach (var g in opt.ParamGroups) g.LearningRate *= 0.9;
            opt.zero_grad();
            using var loss = (net.forward(x) - y).square().mean();
            loss.backward();
            opt.step();
        }
    }

    private static byte[] Saved(optim.Optimizer opt)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)opt).save_state_dict(w);
        return ms.ToArray();
    }

    private static void Load(optim.Optimizer opt, byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        ((OptimizerHelper)opt).load_state_dict(r);
    }

    /// <summary>The parameter's float32 bit patterns (so -0 and +0, or two NaNs, are told apart exactly).</summary>
    private static int[] Bits(Tensor p) => p.detach().cpu().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void AssertSameParameters(Sequential a, Sequential b, string what)
    {
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(Bits(pa).SequenceEqual(Bits(pb)), $"{what}: parameter {name} differs");
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("sgd-momentum")]
    [InlineData("sgd-nesterov")]
    [InlineData("rmsprop")]
    [InlineData("rmsprop-momentum")]
    [InlineData("rmsprop-centered")]
    [InlineData("adamw")]
    [InlineData("adamw-no-decay")]
    public void OptimizerStepEqualsTorchSharpsBitForBitAndItsStateRoundTrips(string kind)
    {
        using var gen = new Generator(7);
        using var x = torch.randn([32, 4], generator: gen);
        using var y = torch.randn([32, 2], generator: gen);
        using var oursNet = Net(3);
        using var theirsNet = Net(3);
        AssertSameParameters(oursNet, theirsNet, "initial");
        using var ours = Make(kind, true, oursNet.parameters());
        using var theirs = Make(kind, false, theirsNet.parameters());
        for (int round = 0; round < 3; round++)
        {
            Train(oursNet, ours, x, y, 3);
            Train(theirsNet, theirs, x, y, 3);
            AssertSameParameters(oursNet, theirsNet, $"{kind} after {3 * (round + 1)} steps");
        }
        using (var fresh = Net(3)) Assert.False(Bits(oursNet.parameters().First()).SequenceEqual(Bits(fresh.parameters().First())), "the steps changed nothing");

        // Same saved state, byte for byte (the type name TorchSharp checks on load included), loadable by either.
        byte[] oursBytes = Saved(ours), theirsBytes = Saved(theirs);
        Assert.Equal(theirsBytes, oursBytes);
        using var resumedNet = Net(99);
        using (var _ = torch.no_grad())
            foreach (var ((_, p), (_, q)) in resumedNet.named_parameters().Zip(oursNet.named_parameters())) p.copy_(q);
        using var resumed = Make(kind, true, resumedNet.parameters());
        Load(resumed, theirsBytes);
        using var otherNet = Net(98);
        using var theirsResumed = Make(kind, false, otherNet.parameters());
        Load(theirsResumed, oursBytes);
        Assert.Equal(theirsBytes, Saved(resumed));
        Assert.Equal(oursBytes, Saved(theirsResumed));
        Train(resumedNet, resumed, x, y, 3);
        Train(theirsNet, theirs, x, y, 3);
        AssertSameParameters(resumedNet, theirsNet, $"{kind} resumed from the saved state");
    }
}
