using Rl.Agents.Networks;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rl.Agents.Tests.Networks;

public class NetworkTests
{
    public NetworkTests() => torch.set_num_threads(1);

    [Fact]
    public void MlpMapsRowsToTheLastHiddenWidth()
    {
        using var scope = torch.NewDisposeScope();
        using var mlp = new Mlp(4, [32, 16], Activation.Tanh, InitScheme.Xavier, new Rng(1));
        var y = mlp.forward(torch.randn(5, 4));
        Assert.Equal(new long[] { 5, 16 }, y.shape);
        Assert.Equal(16, mlp.OutputSize);
        Assert.True(y.abs().max().item<float>() <= 1f, "tanh output is bounded");
        Assert.Equal(4 * 32 + 32 + 32 * 16 + 16, mlp.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData(NormKind.None, 0)]
    [InlineData(NormKind.Batch, 0)]
    [InlineData(NormKind.Group, 1)]
    [InlineData(NormKind.Layer, 2)]
    public void ConvNetReducesImagesToFeatures(NormKind norm, int residualBlocks)
    {
        using var scope = torch.NewDisposeScope();
        var spec = new ConvNetSpec { Norm = norm, ResidualBlocks = residualBlocks, Features = 128 };
        using var net = new ConvNet(64, 64, 3, spec, new Rng(2));
        // 64 -> (64-8)/4+1 = 15 -> (15-4)/2+1 = 6 -> stride 1 with padding keeps 6.
        Assert.Equal((6, 6), net.FeatureMapSize);
        var y = net.forward(torch.rand(3, 64 * 64 * 3));
        Assert.Equal(new long[] { 3, 128 }, y.shape);
        Assert.False(y.isnan().any().item<bool>(), "every parameter, norm layers' included, is initialized");
        Assert.True(y.min().item<float>() >= 0f, "the head ends with ReLU");
        var modules = net.named_modules().Select(m => m.module).ToList();
        Assert.Equal(norm == NormKind.Batch ? 3 : 0, modules.OfType<BatchNorm2d>().Count());
        Assert.Equal(norm is NormKind.Group or NormKind.Layer ? 3 + 3 * residualBlocks * 2 : 0, modules.OfType<GroupNorm>().Count());
        Assert.Equal(3 * residualBlocks, modules.OfType<ResidualBlock>().Count());
        Assert.Single(modules.OfType<AdaptiveAvgPool2d>());
    }

    [Fact]
    public void ConvNetReadsHeightWidthChannelsLayout()
    {
        using var scope = torch.NewDisposeScope();
        // A 1x1 conv weighting the channels 1, 10, 100, then average pooling and an identity linear layer: a row laid out
        // H x W x C gives the mean of the per-pixel sums (1 + 10 + 100 + 111) / 4; any other layout gives another number.
        var spec = new ConvNetSpec { Channels = [1], Kernels = [1], Strides = [1], Features = 1 };
        using var net = new ConvNet(2, 2, 3, spec, new Rng(3));
        var modules = net.named_modules().Select(m => m.module).ToList();
        using (torch.no_grad())
        {
            modules.OfType<Conv2d>().Single().weight!.copy_(torch.tensor(new float[] { 1, 10, 100 }).reshape(1, 3, 1, 1));
            modules.OfType<Linear>().Single().weight!.fill_(1f);
        }
        var x = torch.tensor(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1 }).reshape(1, 12);
        Assert.Equal(55.5f, net.forward(x).item<float>(), 4);
    }

    [Fact]
    public void ConvNetWithoutPoolingFlattensTheMapSoFeaturesKnowWhere()
    {
        using var scope = torch.NewDisposeScope();
        // A 1x1 identity conv and no pooling: the linear layer reads each pixel separately (2 x 2 x 1 = 4 inputs), so one
        // lit pixel gives a different feature depending on where it is; average pooling would give the same value.
        var spec = new ConvNetSpec { Channels = [1], Kernels = [1], Strides = [1], Features = 1, Pooling = Rl.Agents.Policies.ConvPooling.None };
        using var net = new ConvNet(2, 2, 1, spec, new Rng(3));
        var modules = net.named_modules().Select(m => m.module).ToList();
        Assert.Empty(modules.OfType<AdaptiveAvgPool2d>());
        var linear = modules.OfType<Linear>().Single();
        using (torch.no_grad())
        {
            modules.OfType<Conv2d>().Single().weight!.fill_(1f);
            modules.OfType<Conv2d>().Single().bias!.fill_(0f);
            linear.weight!.copy_(torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 4));
            linear.bias!.fill_(0f);
        }
        var x = torch.tensor(new float[] { 0, 0, 1, 0, 0, 0, 0, 1 }).reshape(2, 4);
        var y = net.forward(x);
        Assert.Equal(3f, y[0, 0].item<float>(), 4);
        Assert.Equal(4f, y[1, 0].item<float>(), 4);
        var e = Assert.Throws<ArgumentException>(() => new ConvNetSpec { Pooling = (Rl.Agents.Policies.ConvPooling)7 }.Validate());
        Assert.Contains("conv_pooling", e.Message);
    }

    [Fact]
    public void ConvNetRejectsImagesTooSmallForItsStrides()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvNet(8, 8, 3, new ConvNetSpec(), new Rng(0)));
        Assert.Contains("8×8", e.Message);
    }

    [Fact]
    public void ConvSpecValidationNamesTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvNetSpec { Norm = NormKind.Group, Groups = 5 }.Validate());
        Assert.Contains("conv_groups = 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvNetSpec { Kernels = [3, 3] }.Validate());
        Assert.Contains("same length", e.Message);
    }

    [Fact]
    public void HeInitHasTheStandardDeviationOfItsFanIn()
    {
        using var w = torch.empty(256, 512);
        WeightInit.Initialize(w, InitScheme.He, Math.Sqrt(2), new Rng(4));
        double expected = Math.Sqrt(2.0 / 512);
        Assert.InRange(w.std().item<float>(), 0.98 * expected, 1.02 * expected);
        Assert.InRange(w.mean().item<float>(), -0.01 * expected * 10, 0.01 * expected * 10);
    }

    [Fact]
    public void XavierInitIsUniformWithinItsBound()
    {
        using var w = torch.empty(300, 200);
        WeightInit.Initialize(w, InitScheme.Xavier, 1.0, new Rng(5));
        double bound = Math.Sqrt(6.0 / 500);
        Assert.True(w.abs().max().item<float>() <= bound);
        Assert.InRange(w.std().item<float>(), 0.98 * bound / Math.Sqrt(3), 1.02 * bound / Math.Sqrt(3));
    }

    [Fact]
    public void TorchDefaultInitDrawsWeightsAndBiasesUniformlyWithinOneOverRootFanIn()
    {
        using var w = torch.empty(256, 400);
        using var bias = torch.empty(256);
        WeightInit.InitializeLayer(w, bias, InitScheme.TorchDefault, Math.Sqrt(2), new Rng(8)); // the gain is not used
        double bound = 1 / Math.Sqrt(400);
        Assert.True(w.abs().max().item<float>() <= bound);
        Assert.InRange(w.std().item<float>(), 0.98 * bound / Math.Sqrt(3), 1.02 * bound / Math.Sqrt(3));
        Assert.True(bias.abs().max().item<float>() <= bound);
        Assert.InRange(bias.std().item<float>(), 0.85 * bound / Math.Sqrt(3), 1.15 * bound / Math.Sqrt(3));
        // Every other scheme starts the bias at zero.
        WeightInit.InitializeLayer(w, bias, InitScheme.He, Math.Sqrt(2), new Rng(8));
        Assert.Equal(0f, bias.abs().sum().item<float>());
    }

    [Theory]
    [InlineData(64, 16)]
    [InlineData(16, 64)]
    public void OrthogonalInitGivesOrthonormalRowsOrColumns(int rows, int cols)
    {
        using var w = torch.empty(rows, cols);
        WeightInit.Initialize(w, InitScheme.Orthogonal, 2.0, new Rng(6));
        using var gram = rows < cols ? w.matmul(w.t()) : w.t().matmul(w);
        using var expected = 4.0 * torch.eye(Math.Min(rows, cols));
        Assert.True(gram.allclose(expected, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void ConvKernelFanInCountsTheReceptiveField()
    {
        using var w = torch.empty(64, 32, 3, 3);
        WeightInit.Initialize(w, InitScheme.He, Math.Sqrt(2), new Rng(7));
        double expected = Math.Sqrt(2.0 / (32 * 9));
        Assert.InRange(w.std().item<float>(), 0.97 * expected, 1.03 * expected);
    }

    [Fact]
    public void InitIsDeterminedBySeedAndNotByTorchsGenerator()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var a = new Mlp(4, [8], Activation.Tanh, InitScheme.Orthogonal, new Rng(42));
        torch.manual_seed(2);
        using var b = new Mlp(4, [8], Activation.Tanh, InitScheme.Orthogonal, new Rng(42));
        using var c = new Mlp(4, [8], Activation.Tanh, InitScheme.Orthogonal, new Rng(43));
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        var pc = c.parameters().ToArray();
        for (int i = 0; i < pa.Length; i++) Assert.True(TensorAssert.Identical(pa[i], pb[i]));
        Assert.False(TensorAssert.Identical(pa[0], pc[0]));
        Assert.Equal(0f, pa[1].abs().sum().item<float>()); // biases start at zero
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndRunningStatisticsInEvaluation()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = nn.BatchNorm2d(4);
        var x = torch.randn(8, 4, 5, 5) * 3 + 2;
        bn.train();
        var y = bn.forward(x);
        Assert.InRange(y.mean().item<float>(), -1e-4, 1e-4);
        Assert.InRange(y.std().item<float>(), 0.95, 1.05);
        bn.eval();
        var z = bn.forward(x);
        Assert.False(z.allclose(y, atol: 1e-2), "evaluation mode uses running statistics, not the batch's");
    }

    [Fact]
    public void GroupAndLayerNormAreIndependentOfTheRestOfTheBatch()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var kind in new[] { NormKind.Group, NormKind.Layer })
        {
            var spec = new ConvNetSpec { Channels = [8], Kernels = [3], Strides = [1], Norm = kind, Groups = 4, Features = 4 };
            using var net = new ConvNet(6, 6, 2, spec, new Rng(8));
            var a = torch.randn(1, 72);
            var alone = net.forward(a);
            var withOthers = net.forward(torch.cat([a, torch.randn(3, 72) * 10], 0))[..1];
            Assert.True(alone.allclose(withOthers, atol: 1e-5), $"{kind} must not mix samples");
        }
    }

    [Fact]
    public void RunningInputNormalizationStandardizesAndRoundTrips()
    {
        using var scope = torch.NewDisposeScope();
        var space = new Box<float>(float.NegativeInfinity, float.PositiveInfinity, 2);
        using var norm = InputNormalizer.ForSpace(space, running: true, torch.CPU);
        var rng = new Rng(9);
        var rows = new float[2000];
        for (int i = 0; i < 1000; i++)
        {
            rows[2 * i] = (float)rng.NextGaussian(5, 2);
            rows[2 * i + 1] = (float)rng.NextGaussian(-3, 0.5);
        }
        norm.Update(rows, 1000);
        var y = norm.Normalize(torch.tensor(rows, [1000, 2]));
        var mean = y.mean([0]).data<float>().ToArray();
        var std = y.std(0).data<float>().ToArray();
        Assert.All(mean, m => Assert.InRange(m, -0.01, 0.01));
        Assert.All(std, s => Assert.InRange(s, 0.99, 1.01));

        var cp = new Checkpoint();
        norm.Save(cp, "n");
        using var restored = InputNormalizer.ForSpace(space, running: true, torch.CPU);
        restored.Load(cp, "n");
        Assert.True(TensorAssert.Identical(restored.Normalize(torch.tensor(rows, [1000, 2])), y));
    }

    [Fact]
    public void ImageInputsAreScaledTo01()
    {
        using var scope = torch.NewDisposeScope();
        using var norm = InputNormalizer.ForSpace(new Box<byte>(0, 255, 4, 4, 3), running: true, torch.CPU);
        Assert.False(norm.IsRunning);
        var y = norm.Normalize(torch.tensor(new float[] { 0, 51, 255 }).reshape(1, 3));
        Assert.Equal(new[] { 0f, 0.2f, 1f }, y.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void NetworkSpecChoosesConvForImagesAndMlpOtherwise()
    {
        using var scope = torch.NewDisposeScope();
        var spec = new NetworkSpec { Conv = new ConvNetSpec { Features = 32 } };
        var (image, f1) = spec.BuildBody(new Box<byte>(0, 255, 64, 64, 3), new Rng(1));
        var (vector, f2) = spec.BuildBody(new Box<float>(-1, 1, 4), new Rng(1));
        Assert.IsType<ConvNet>(image);
        Assert.Equal(32, f1);
        Assert.IsType<Mlp>(vector);
        Assert.Equal(64, f2);
        Assert.Throws<ArgumentException>(() => (spec with { Body = BodyKind.Conv }).BuildBody(new Box<float>(-1, 1, 4), new Rng(1)));
    }

    [Fact]
    public void DeviceNamesResolveAndUnavailableCudaIsAClearError()
    {
        Assert.Equal(DeviceType.CPU, TorchDevice.Resolve("cpu").type);
        if (!torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CPU, TorchDevice.Resolve("auto").type);
            var e = Assert.Throws<ArgumentException>(() => TorchDevice.Resolve("cuda"));
            Assert.Contains("device = \"cuda\"", e.Message);
        }
        Assert.Contains("gpu", Assert.Throws<ArgumentException>(() => TorchDevice.Resolve("gpu")).Message);
    }
}
