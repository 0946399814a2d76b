using Rl.Agents.Networks;
using Rl.Core;
using Rl.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Tests.Networks;

public class DistributionTests
{
    public DistributionTests() => torch.set_num_threads(1);

    [Fact]
    public void CategoricalLogProbAndEntropyMatchHandValues()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new float[] { 0, Mathf(2), 0, 0 }).reshape(2, 2); // row 0: p = (1/3, 2/3); row 1: uniform
        var d = new Categorical(logits);
        var lp = d.LogProb(torch.tensor(new float[] { 1, 0 }).reshape(2, 1)).data<float>().ToArray();
        Assert.Equal(Math.Log(2.0 / 3), lp[0], 5);
        Assert.Equal(Math.Log(0.5), lp[1], 5);
        var h = d.Entropy().data<float>().ToArray();
        Assert.Equal(-(1.0 / 3 * Math.Log(1.0 / 3) + 2.0 / 3 * Math.Log(2.0 / 3)), h[0], 5);
        Assert.Equal(Math.Log(2), h[1], 5);
        Assert.Equal(new float[] { 1, 0 }, d.Mode().flatten().data<float>().ToArray());
    }

    private static float Mathf(double x) => (float)Math.Log(x);

    [Fact]
    public void CategoricalSamplesFollowTheProbabilitiesAndTheSeed()
    {
        using var scope = torch.NewDisposeScope();
        var probs = new[] { 0.1, 0.2, 0.7 };
        var logits = torch.tensor(probs.Select(p => (float)Math.Log(p)).ToArray()).reshape(1, 3).expand(20000, 3);
        var d = new Categorical(logits);
        var a = d.Sample(new Rng(1)).flatten().data<float>().ToArray();
        for (int k = 0; k < 3; k++)
        {
            double freq = a.Count(x => x == k) / 20000.0;
            Assert.InRange(freq, probs[k] - 0.015, probs[k] + 0.015);
        }
        Assert.Equal(a, d.Sample(new Rng(1)).flatten().data<float>().ToArray());
    }

    [Fact]
    public void MultiCategoricalSumsItsPartsLogProbs()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn(4, 5);
        var d = new MultiCategorical(logits, [2, 3]);
        var a = d.Sample(new Rng(2));
        Assert.Equal(new long[] { 4, 2 }, a.shape);
        var first = logits[.., ..2].log_softmax(-1).gather(1, a[.., ..1].to(ScalarType.Int64)).squeeze(1);
        var second = logits[.., 2..].log_softmax(-1).gather(1, a[.., 1..].to(ScalarType.Int64)).squeeze(1);
        Assert.True(d.LogProb(a).allclose(first + second, atol: 1e-6));
        Assert.True(d.Entropy().allclose(d.Parts[0].Entropy() + d.Parts[1].Entropy()));
    }

    [Fact]
    public void DiagGaussianLogProbAndEntropyMatchTheFormula()
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(new float[] { 0.5f, -1f }).reshape(1, 2);
        var logStd = torch.tensor(new float[] { (float)Math.Log(2), 0f });
        var d = new DiagGaussian(mean, logStd);
        var a = torch.tensor(new float[] { 1.5f, 0f }).reshape(1, 2);
        double expected = Normal(1.5, 0.5, 2) + Normal(0, -1, 1);
        Assert.Equal(expected, d.LogProb(a).item<float>(), 5);
        double entropy = 0.5 * Math.Log(2 * Math.PI * Math.E * 4) + 0.5 * Math.Log(2 * Math.PI * Math.E);
        Assert.Equal(entropy, d.Entropy().item<float>(), 5);
    }

    private static double Normal(double x, double mu, double sigma) =>
        -0.5 * Math.Pow((x - mu) / sigma, 2) - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);

    [Fact]
    public void ReparametrizedSamplesCarryGradientsToMeanAndStd()
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.zeros(1000, 1, requires_grad: true);
        var logStd = torch.zeros(1, requires_grad: true);
        var d = new DiagGaussian(mean, logStd);
        var a = d.RSample(new Rng(3));
        Assert.InRange(a.std().item<float>(), 0.93, 1.07);
        // d/dμ Σ a = 1 per row; d/dlogσ Σ a = Σ σ ε = Σ a (σ = 1).
        a.sum().backward();
        Assert.True(mean.grad!.allclose(torch.ones(1000, 1)));
        Assert.Equal(a.sum().item<float>(), logStd.grad!.item<float>(), 3);
        Assert.False(d.Sample(new Rng(3)).requires_grad);
    }

    [Fact]
    public void GumbelSoftmaxRelaxesCategoricalSamples()
    {
        using var scope = torch.NewDisposeScope();
        var probs = new[] { 0.2, 0.5, 0.3 };
        var logits = torch.tensor(probs.Select(p => (float)Math.Log(p)).ToArray()).reshape(1, 3).expand(20000, 3).contiguous();
        logits.requires_grad_(true);
        var soft = GumbelSoftmax.Sample(logits, 1.0, hard: false, new Rng(4));
        Assert.True(soft.sum(-1).allclose(torch.ones(20000), atol: 1e-5));
        // Gumbel-max: the argmax of the relaxed sample is distributed as the categorical.
        var argmax = soft.argmax(-1).data<long>().ToArray();
        for (int k = 0; k < 3; k++) Assert.InRange(argmax.Count(x => x == k) / 20000.0, probs[k] - 0.015, probs[k] + 0.015);
        soft[.., 1].sum().backward();
        Assert.NotNull(logits.grad);
        Assert.True(logits.grad!.abs().sum().item<float>() > 0);

        var cold = GumbelSoftmax.Sample(logits.detach(), 0.01, hard: false, new Rng(5));
        Assert.True(cold.max(-1).values.mean().item<float>() > 0.99, "low temperature is nearly one-hot");
        var hard = GumbelSoftmax.Sample(logits.detach(), 1.0, hard: true, new Rng(6));
        Assert.True(hard.eq(0).logical_or(hard.eq(1)).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => GumbelSoftmax.Sample(logits, 0, false, new Rng(1)));
    }

    [Fact]
    public void HeadsConvertActionRowsToTheSpaces()
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Rng(7);
        using var discrete = ActionHead.Create(new Discrete(3, start: -1), 4, InitScheme.Xavier, rng);
        Assert.Equal(1, discrete.ActionWidth);
        Assert.Equal(1, discrete.ToEnvAction([2f]));
        Span<float> row = stackalloc float[3];
        discrete.FromEnvAction(-1, row);
        Assert.Equal(0f, row[0]);

        using var multi = ActionHead.Create(new MultiDiscrete([2, 4], [0, 10]), 4, InitScheme.Xavier, rng);
        Assert.Equal(2, multi.ActionWidth);
        Assert.Equal(new[] { 1, 13 }, (int[])multi.ToEnvAction([1f, 3f]));

        using var box = ActionHead.Create(new Box<double>(-1, 1, 3), 4, InitScheme.Xavier, rng, initLogStd: -1);
        Assert.Equal(3, box.ActionWidth);
        Assert.Equal(new[] { -1.0, 0.25, 1.0 }, (double[])box.ToEnvAction([-3f, 0.25f, 7f]));
        var dist = (DiagGaussian)box.forward(torch.zeros(2, 4));
        Assert.True(dist.LogStd.allclose(torch.full(2, 3, -1f)));
        Assert.True(dist.Mean.abs().max().item<float>() == 0f, "zero features and zero bias give zero means");

        Assert.Throws<NotSupportedException>(() => ActionHead.Create(new MultiBinary(3), 4, InitScheme.Xavier, rng));
    }

    [Fact]
    public void PolicyHeadsStartNearUniform()
    {
        using var scope = torch.NewDisposeScope();
        using var net = new PolicyNetwork(new Box<float>(-1, 1, 4), new Discrete(2), new NetworkSpec(), new Rng(8));
        var d = (Categorical)net.forward(torch.rand(16, 4) * 2 - 1);
        Assert.True(d.Probs.sub(0.5).abs().max().item<float>() < 0.02, "output gain 0.01 keeps the first policy close to uniform");
    }
}
