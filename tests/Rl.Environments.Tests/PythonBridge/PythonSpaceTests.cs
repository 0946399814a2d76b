using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments.Python;
using static Rl.Environments.Tests.PythonBridge.PythonTestSupport;

namespace Rl.Environments.Tests.PythonBridge;

/// <summary>Every Gymnasium space kind: translated to its C# counterpart, and values sent as actions come back unchanged
/// as observations (SpaceEchoEnv returns its action), which checks the encoding in both directions.</summary>
public class PythonSpaceTests
{
    public PythonSpaceTests() => EnsureReady();

    public static TheoryData<string, Space, Type> Kinds => new()
    {
        { "discrete", new Discrete(5, start: -2), typeof(PythonEnv<int, int>) },
        { "box32", new Box<float>([-1f, -2f, -3f], [1f, 2f, 3f]), typeof(PythonEnv<float[], float[]>) },
        { "box64", new Box<double>(-10.0, 10.0, 2, 3), typeof(PythonEnv<double[], double[]>) },
        { "box_uint8", new Box<byte>(0, 255, 4, 4, 3), typeof(PythonEnv<byte[], byte[]>) },
        { "multidiscrete", new MultiDiscrete([3, 4, 5], [0, 1, -1]), typeof(PythonEnv<int[], int[]>) },
        { "multibinary", new MultiBinary(6), typeof(PythonEnv<byte[], byte[]>) },
        { "tuple", new TupleSpace(new Discrete(3), new Box<float>(-1f, 1f, 2)), typeof(PythonEnv<object[], object[]>) },
        {
            "dict", new DictSpace(("velocity", new Box<double>(-1.0, 1.0, 2)), ("gear", new Discrete(4)), ("flags", new MultiBinary(3))),
            typeof(PythonEnv<IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, object>>)
        },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Spaces_translate_to_their_csharp_counterparts(string kind, Space expected, Type envType)
    {
        using var env = Make("SpaceEcho-v0", ("kind", kind));
        Assert.IsType(envType, env);
        Assert.Equal(expected, env.ObservationSpace);
        Assert.Equal(expected, env.ActionSpace);
        Assert.Equal(expected.ToString(), env.ObservationSpace.ToString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Values_cross_the_bridge_both_ways_unchanged(string kind, Space space, Type envType)
    {
        _ = envType;
        using var env = Make("SpaceEcho-v0", ("kind", kind));
        var first = env.ResetObject(seed: 0).Observation;
        Assert.True(space.ContainsObject(first), space.ExplainObject(first));
        space.Seed(42);
        for (int i = 0; i < 3; i++)
        {
            object action = space.SampleObject();
            var r = env.StepObject(action);
            Assert.Equal(Flat(space, action), Flat(space, r.Observation));
            Assert.Equal(0.5, r.Reward);
        }
    }

    [Fact]
    public void Actions_arrive_in_python_with_gymnasiums_dtypes_and_shapes()
    {
        using var box = Make<double[], double[]>("SpaceEcho-v0", ("kind", "box64"));
        box.Reset();
        var info = box.Step(new double[6]).Info;
        if (!HasNumpy)
        {
            // Without NumPy the bridge hands arrays over as flat array.array values (documented in gym_bridge.py).
            Assert.Equal("array", info["action_type"]);
            return;
        }
        Assert.Equal("ndarray", info["action_type"]);
        Assert.Equal("float64", info["action_dtype"]);
        Assert.Equal(new object?[] { 2L, 3L }, info["action_shape"]);

        using var md = Make<int[], int[]>("SpaceEcho-v0", ("kind", "multidiscrete"));
        md.Reset();
        Assert.Equal("int64", md.Step([0, 1, -1]).Info["action_dtype"]);
        using var mb = Make<byte[], byte[]>("SpaceEcho-v0", ("kind", "multibinary"));
        mb.Reset();
        Assert.Equal("int8", mb.Step(new byte[6]).Info["action_dtype"]);
        using var discrete = Make<int, int>("SpaceEcho-v0", ("kind", "discrete"));
        discrete.Reset();
        Assert.Equal("int", discrete.Step(2).Info["action_type"]);
    }

    [Theory]
    [InlineData("text", "Text(12)")]
    [InlineData("box_int64", "int64")]
    public void Spaces_without_a_csharp_counterpart_are_named(string kind, string named)
    {
        var e = Assert.Throws<PythonEnvException>(() => Make("SpaceEcho-v0", ("kind", kind)));
        Assert.Equal(PythonFailure.UnsupportedValue, e.Failure);
        Assert.Contains("observation space", e.Message);
        Assert.Contains(named, e.Message);
        Assert.Contains("supported: Discrete, Box", e.Message);
    }

    [Fact]
    public void An_observation_that_does_not_fit_its_space_is_named()
    {
        using var env = Envs.Make<float[], int>("gym:rl_testenvs.testing:ShapeLiarEnv");
        var e = Assert.Throws<PythonEnvException>(() => env.Reset());
        Assert.Equal(PythonFailure.UnsupportedValue, e.Failure);
        Assert.Contains("2 numbers do not fit Box(-1, 1, (3,), float32)", e.Message);
    }

    private static readonly Lazy<bool> s_numpy = new(() => RunPython("import numpy").ExitCode == 0);

    public static bool HasNumpy => s_numpy.Value;

    private static float[] Flat(Space space, object value)
    {
        var flat = new float[space.FlatDim];
        space.FlattenObject(value, flat);
        return flat;
    }
}
