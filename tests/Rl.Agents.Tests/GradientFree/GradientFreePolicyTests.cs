using Rl.Agents.Policies;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreePolicyTests
{
    [Fact]
    public void LinearNetworkComputesWxPlusB()
    {
        var net = new LinearNetwork(2, 3);
        float[] p = [1, 2, 3, 4, 5, 6, 0.5f, -1, 0]; // W (3×2, row-major), then b
        var y = new float[3];
        net.Forward(p, [1, -1], y, []);
        Assert.Equal([-0.5f, -2f, -1f], y);
        Assert.Equal(9, net.ParameterCount);
    }

    [Fact]
    public void MlpAppliesTanhOnHiddenLayersOnly()
    {
        var net = new MlpNetwork(2, [2], 1);
        float[] p = [1, 0, 0, -1, 0, 0.5f, 2, 3, 1]; // layer0 W, b; layer1 W, b
        var y = new float[1];
        net.Forward(p, [0.5f, 1], y, new float[net.ScratchSize]);
        // h = tanh([0.5, −1 + 0.5]); y = 2 tanh(0.5) + 3 tanh(−0.5) + 1 = 1 − tanh(0.5)
        Assert.Equal(1 - Math.Tanh(0.5), y[0], 6);
        Assert.Equal(["layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias"], net.Blocks.Select(b => b.Name));
    }

    [Fact]
    public void ConvNetworkConvolvesAppliesReluPoolsAndProjects()
    {
        // 3×3×1 image 1..9, one 2×2 filter [1 2; 3 4] with bias −40, stride 1 → [−3, 7; 27, 37] → ReLU → mean 17.75.
        var net = new ConvNetwork(3, 3, 1, [new ConvLayer(1, 2, 1)], outputs: 1);
        float[] p = [1, 2, 3, 4, -40, 0.5f, 1]; // conv weights, conv bias, head weight, head bias
        var y = new float[1];
        net.Forward(p, [1, 2, 3, 4, 5, 6, 7, 8, 9], y, new float[net.ScratchSize]);
        Assert.Equal(0.5f * 17.75f + 1, y[0], 5);
    }

    [Fact]
    public void ConvNetworkReadsChannelsLastAndStrides()
    {
        // 3×3×2 image; a 1×1 filter [1, 10] with stride 2 reads pixels (0,0), (0,2), (2,0), (2,2): c0 + 10·c1.
        var net = new ConvNetwork(3, 3, 2, [new ConvLayer(1, 1, 2)], outputs: 1);
        var image = new float[18];
        for (int pixel = 0; pixel < 9; pixel++) (image[2 * pixel], image[2 * pixel + 1]) = (pixel, 100 * pixel);
        float[] p = [1, 10, 0, 1, 0];
        var y = new float[1];
        net.Forward(p, image, y, new float[net.ScratchSize]);
        double expected = new[] { 0, 2, 6, 8 }.Average(px => px + 10 * 100 * px);
        Assert.Equal(expected, y[0], 2);
    }

    [Fact]
    public void ConvArchitectureScalesByteImagesAndCountsParameters()
    {
        var arch = PolicyArchitecture.Create(new Box<byte>(0, 255, 8, 8, 1), new Discrete(2),
            new PolicyOptions { Kind = PolicyKind.Conv, ConvLayers = [new ConvLayer(8, 3, 1)] });
        var conv = Assert.IsType<ConvNetwork>(arch.Network);
        Assert.Equal(1f / 255, conv.InputScale);
        Assert.Equal(8 * (9 + 1) + 2 * (8 + 1), arch.ParameterCount);
    }

    [Fact]
    public void ConvNetworkWithoutPoolingFeedsTheWholeFeatureMapToTheHead()
    {
        // Same image and filter as above: the map [0, 7; 27, 37] after ReLU; head weights [1, 0, 0, -1], bias 2 → 0 − 37 + 2.
        var net = new ConvNetwork(3, 3, 1, [new ConvLayer(1, 2, 1)], outputs: 1, pooling: ConvPooling.None);
        float[] p = [1, 2, 3, 4, -40, 1, 0, 0, -1, 2];
        Assert.Equal(p.Length, net.ParameterCount);
        var y = new float[1];
        net.Forward(p, [1, 2, 3, 4, 5, 6, 7, 8, 9], y, new float[net.ScratchSize]);
        Assert.Equal(-35f, y[0], 5);
        Assert.Contains("flatten", net.ToString());

        var arch = PolicyArchitecture.Create(new Box<byte>(0, 255, 8, 8, 1), new Discrete(2),
            new PolicyOptions { Kind = PolicyKind.Conv, ConvLayers = [new ConvLayer(8, 3, 1)], ConvPooling = ConvPooling.None });
        Assert.Equal(8 * (9 + 1) + 2 * (6 * 6 * 8 + 1), arch.ParameterCount);
    }

    [Fact]
    public void ConvLayersThatShrinkTheImageToNothingAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvNetwork(4, 4, 1, [new ConvLayer(4, 3, 2), new ConvLayer(4, 3, 1)], 2));
        Assert.Contains("kernel 3 is larger than its 1x1 input", e.Message);
    }

    [Fact]
    public void DiscreteHeadTakesArgmaxOrSamplesTheSoftmax()
    {
        var head = new DiscreteHead(new Discrete(3, start: 1));
        Assert.Equal(2, head.Act([0.1f, 0.5f, 0.2f], deterministic: true, null, 0));
        var rng = new Rng(3);
        var two = new DiscreteHead(new Discrete(2));
        int ones = Enumerable.Range(0, 20000).Count(_ => two.Act([0, (float)Math.Log(3)], false, rng, 0) == 1);
        Assert.InRange(ones / 20000.0, 0.74, 0.76); // softmax([0, ln 3]) = [0.25, 0.75]
        Assert.Throws<ArgumentNullException>(() => two.Act([0, 1], deterministic: false, null, 0));
    }

    [Fact]
    public void MultiDiscreteAndMultiBinaryHeads()
    {
        var md = new MultiDiscreteHead(new MultiDiscrete([2, 3], [0, 5]));
        Assert.Equal(5, md.OutputSize);
        Assert.Equal([0, 7], md.Act([1, 0, 0, 0, 2], true, null, md.CreateBuffer()));
        var mb = new MultiBinaryHead(new MultiBinary(3));
        Assert.Equal([1, 0, 1], mb.Act([1, -1, 0.5f], true, null, mb.CreateBuffer()));
    }

    [Fact]
    public void BoxHeadClipsOrSquashesIntoTheBounds()
    {
        var clip = new BoxHead<float>(new Box<float>(-1f, 1f, 2), BoxActionMode.Clip, 0.1);
        Assert.Equal([1f, -0.5f], clip.Act([2f, -0.5f], true, null, clip.CreateBuffer()));
        var tanh = new BoxHead<double>(new Box<double>([0.0, -2.0], [1.0, 2.0]), BoxActionMode.Tanh, 0.1);
        Assert.Equal([0.5, 2.0], tanh.Act([0f, 100f], true, null, tanh.CreateBuffer()));
        var rng = new Rng(1);
        var space = new Box<float>(-1f, 1f, 2);
        for (int i = 0; i < 1000; i++) Assert.True(space.Contains(clip.Act([0.9f, -0.9f], false, rng, clip.CreateBuffer())));
    }

    [Fact]
    public void UnsupportedActionSpacesAndUnboundedTanhAreExplained()
    {
        var tuple = new TupleSpace(new Discrete(2), new Discrete(3));
        var e1 = Assert.Throws<NotSupportedException>(() => FlatActionHead.Create(tuple));
        Assert.Contains("Tuple", e1.Message);
        var unbounded = new Box<float>(float.NegativeInfinity, float.PositiveInfinity, 2);
        var e2 = Assert.Throws<ArgumentException>(() => FlatActionHead.Create(unbounded, BoxActionMode.Tanh));
        Assert.Contains("unbounded", e2.Message);
    }

    [Fact]
    public void ObservationFilterNormalizesWithTheSnapshot()
    {
        var stats = new RunningMeanStd(2);
        stats.Set([1.0, -2.0], [4.0, 0.25], 10);
        var filter = ObservationFilter.From(stats);
        stats.Update([100f, 100f]); // later updates do not change the snapshot
        float[] x = [3, -1];
        filter.Apply(x);
        Assert.Equal(1.0, x[0], 5);
        Assert.Equal(2.0, x[1], 5);
    }

    [Fact]
    public void FlatPolicyActsOnBoxedObservationsAndCopiesItsParameters()
    {
        var arch = PolicyArchitecture.Create(new Box<float>(-10f, 10f, 4), new Discrete(2), new PolicyOptions());
        var theta = new float[arch.ParameterCount];
        theta[0] = -1; // output 0 = −x0 (W row 0)
        theta[4] = 1; // output 1 = x0 (W row 1): action 1 when x0 > 0, else 0
        var policy = new FlatPolicy(arch, theta);
        theta[4] = -5; // the policy holds a copy
        Assert.Equal(1, policy.Act(new[] { 2f, 0, 0, 0 }, true, new Rng(0)));
        Assert.Equal(0, policy.Act(new[] { -2f, 0, 0, 0 }, true, new Rng(0)));
        var e = Assert.Throws<ArgumentException>(() => policy.Act(3, true, new Rng(0)));
        Assert.Contains("Box", e.Message);
    }
}
