using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments.Classic;
using Rl.Environments.Python;
using static Rl.Environments.Tests.PythonBridge.PythonTestSupport;

namespace Rl.Environments.Tests.PythonBridge;

public class PythonEnvTests
{
    public PythonEnvTests() => EnsureReady();

    [Fact]
    public void Gym_namespace_makes_a_typed_environment_with_the_spaces_and_spec_of_the_python_one()
    {
        using var env = Make<float[], int>("CartPole-v1");
        using var native = new CartPoleEnv();

        Assert.IsType<PythonEnv<float[], int>>(env);
        Assert.Equal("gym:CartPole-v1", env.Name);
        Assert.Equal(native.ObservationSpace, env.ObservationSpace);
        Assert.Equal(new Discrete(2), env.ActionSpace);
        Assert.Equal(500, env.Spec!.MaxEpisodeSteps);
        Assert.Equal(475.0, env.Spec.RewardThreshold);
        Assert.Equal(["rgb_array"], env.Metadata.RenderModes);
        Assert.Equal(50, env.Metadata.RenderFps);
        var python = (IPythonEnv)env;
        Assert.True(ProcessExists(python.ProcessId));
        Assert.False(string.IsNullOrEmpty(python.PythonVersion));
    }

    [Theory]
    [InlineData(0.01, -0.02, 0.03, -0.04, 1)]
    [InlineData(-0.5, 1.0, 0.1, -0.5, 2)]
    [InlineData(1.2, 0.3, -0.15, 0.8, 3)]
    public void Python_cart_pole_follows_the_native_dynamics_step_for_step(double x, double xDot, double theta, double thetaDot, int seed)
    {
        using var python = Make<float[], int>("CartPole-v1");
        using var native = new CartPoleEnv();
        var reset = python.Reset(options: OptionSet.Of(("state", new[] { x, xDot, theta, thetaDot })));
        native.Reset(seed: 0);
        native.SetState(x, xDot, theta, thetaDot);
        Assert.Equal([(float)x, (float)xDot, (float)theta, (float)thetaDot], reset.Observation);

        var rng = new Rng(seed);
        int steps = 0;
        while (true)
        {
            int action = rng.NextInt(2);
            var p = python.Step(action);
            var n = native.Step(action);
            steps++;
            Assert.Equal(n.Observation, p.Observation);
            Assert.Equal(n.Reward, p.Reward);
            Assert.Equal(n.Terminated, p.Terminated);
            if (n.Terminated || steps == 500) break;
        }
        Assert.True(steps > 5, $"only {steps} steps were compared");
    }

    [Fact]
    public void A_seed_reproduces_the_reset_stream_and_different_seeds_differ()
    {
        using var a = Make<float[], int>("CartPole-v1");
        using var b = Make<float[], int>("CartPole-v1");
        var first = a.Reset(seed: 7).Observation;
        Assert.Equal(first, b.Reset(seed: 7).Observation);
        // Without a seed, both continue the same stream.
        for (int i = 0; i < 3; i++) Assert.Equal(a.Reset().Observation, b.Reset().Observation);
        Assert.NotEqual(first, a.Reset(seed: 8).Observation);
        Assert.Equal(first, a.Reset(seed: 7).Observation);
        Assert.All(first, v => Assert.InRange(v, -0.05f, 0.05f));
    }

    [Fact]
    public void Reset_options_reach_python_with_their_types()
    {
        using var env = Make("SpaceEcho-v0", ("kind", "discrete"));
        var options = OptionSet.Of(("low", -0.2), ("count", 3), ("name", "left"), ("flag", true), ("weights", new[] { 0.5, 1.5 }),
            ("parsed", "2.5"), ("unbounded", "-inf"), ("json", "[1, 2.5, \"x\"]"));
        var r = env.ResetObject(seed: 11, options: options);

        Assert.Equal(11L, r.Info["seed"]);
        var echoed = Assert.IsType<Dictionary<string, object?>>(r.Info["options"]);
        Assert.Equal(-0.2, echoed["low"]);
        Assert.Equal(3L, echoed["count"]);
        Assert.Equal("left", echoed["name"]);
        Assert.Equal(true, echoed["flag"]);
        Assert.Equal(new[] { 0.5, 1.5 }, echoed["weights"]);
        Assert.Equal(2.5, echoed["parsed"]); // command-line strings that read as numbers arrive as numbers
        Assert.Equal(double.NegativeInfinity, echoed["unbounded"]);
        Assert.Equal(new object?[] { 1L, 2.5, "x" }, echoed["json"]);

        Assert.Null(env.ResetObject().Info["options"]);
    }

    [Fact]
    public void Reset_bounds_options_change_the_start_state()
    {
        using var env = Make<float[], int>("CartPole-v1");
        var obs = env.Reset(seed: 3, options: OptionSet.Parse(["low=0.3", "high=0.4"])).Observation;
        Assert.All(obs, v => Assert.InRange(v, 0.3f, 0.4f));
    }

    [Fact]
    public void Render_returns_an_rgb_frame_that_shows_the_cart_where_the_state_says()
    {
        using var env = Make<float[], int>("CartPole-v1", ("render_mode", "rgb_array"));
        var python = (IPythonEnv)env;
        Assert.Equal("rgb_array", python.RenderMode);

        env.Reset(options: OptionSet.Of(("state", new[] { 1.0, 0, 0, 0 })));
        var frame = python.Render();
        Assert.Equal((400, 600, 3), (frame.Height, frame.Width, frame.Channels));
        Assert.Equal(400 * 600 * 3, frame.Pixels.Length);
        // Cart at x = 1 m: 125 px per metre from the centre column; its body spans rows 285..314 (y up, 100 px from the bottom).
        int cartColumn = 300 + 125;
        Assert.Equal(0, frame.At(300, cartColumn, 0));
        Assert.Equal(255, frame.At(300, 300, 0)); // the centre is empty
        Assert.Equal(255, frame.At(10, 10, 1));   // background
    }

    [Fact]
    public void Render_without_rgb_array_mode_says_how_to_ask_for_it()
    {
        using var env = Make<float[], int>("CartPole-v1");
        env.Reset(seed: 0);
        var e = Assert.Throws<InvalidOperationException>(() => ((IPythonEnv)env).Render());
        Assert.Contains("render_mode=rgb_array", e.Message);
    }

    [Fact]
    public void Info_values_arrive_as_dotnet_types()
    {
        using var env = Make<int, int>("SpaceEcho-v0", ("kind", "discrete"));
        env.Reset();
        var info = env.Step(0).Info;
        var mixed = info.Get<Dictionary<string, object?>>("mixed");
        Assert.Equal(7L, mixed["int"]);
        Assert.Equal(2.5, mixed["float"]);
        Assert.Equal("héllo", mixed["text"]);
        Assert.Equal(new object?[] { 1L, "two", null }, mixed["list"]);
        Assert.Equal(true, mixed["flag"]);
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, mixed["array"]);
        Assert.StartsWith("<object object at", Assert.IsType<string>(mixed["object"])); // no C# counterpart: its repr
        Assert.Equal(1L, info["steps"]);
    }

    [Fact]
    public void The_contract_is_enforced_on_the_csharp_side()
    {
        using var env = Make<float[], int>("CartPole-v1");
        Assert.Throws<ResetNeededException>(() => env.Step(0));
        env.Reset(seed: 1);
        var bad = Assert.Throws<InvalidActionException>(() => env.Step(2));
        Assert.Contains("gym:CartPole-v1", bad.Message);
        Assert.Contains("Discrete(2)", bad.Message);
        // The untyped path converts runner-style values (JSON numbers are longs).
        Assert.Equal(1.0, env.StepObject(1L).Reward);

        var r = env.Reset(options: OptionSet.Of(("state", new[] { 0.0, 0, 0.2, 2.0 })));
        while (!env.Step(1).Terminated) { }
        Assert.Throws<ResetNeededException>(() => env.Step(1));
    }

    [Fact]
    public void Observations_are_written_into_a_given_buffer()
    {
        using var env = Make<float[], int>("CartPole-v1");
        var buffer = new float[4];
        Assert.Same(buffer, env.Reset(seed: 2, into: buffer).Observation);
        Assert.Same(buffer, env.Step(0, buffer).Observation);
        Assert.NotSame(buffer, env.Step(0).Observation);
    }

    [Fact]
    public void The_time_limit_is_the_python_one_and_can_be_changed_or_removed()
    {
        using (var env = Envs.Make<float[], int>("gym:CartPole-v1", Options() with { MaxEpisodeSteps = 3 }))
        {
            Assert.Equal(3, env.Spec!.MaxEpisodeSteps);
            env.Reset(options: OptionSet.Of(("state", new[] { 0.0, 0, 0, 0 })));
            Assert.False(env.Step(0).Truncated);
            Assert.False(env.Step(1).Truncated);
            Assert.True(env.Step(0).Truncated);
        }
        using (var env = Envs.Make<float[], int>("gym:rl_testenvs.testing:FaultyEnv", new MakeOptions { MaxEpisodeSteps = 2 }))
        {
            env.Reset();
            Assert.False(env.Step(0).Truncated);
            Assert.True(env.Step(0).Truncated);
        }
        using (var env = Envs.Make<float[], int>("gym:Faulty-v0", Options() with { DisableTimeLimit = true }))
        {
            Assert.Null(env.Spec!.MaxEpisodeSteps);
            env.Reset();
            for (int i = 0; i < 150; i++) Assert.False(env.Step(0).Done); // its registered limit is 100
        }
    }

    [Fact]
    public void Module_class_ids_need_no_registry_and_take_keyword_options()
    {
        using var env = MakeId<int, int>("gym:rl_testenvs.testing:SpaceEchoEnv", ("kind", "discrete"));
        Assert.Equal(new Discrete(5, start: -2), env.ObservationSpace);
        Assert.Null(env.Spec!.MaxEpisodeSteps);
    }

    [Fact]
    public void The_registry_module_can_come_from_the_environment_variable()
    {
        string? saved = Environment.GetEnvironmentVariable(PythonEnvOptions.ModuleVariable);
        Environment.SetEnvironmentVariable(PythonEnvOptions.ModuleVariable, Module);
        try
        {
            using var env = Envs.Make("gym:CartPole-v1");
            Assert.Equal(Module, new PythonEnvOptions().ResolveModule());
            Assert.IsType<PythonEnv<float[], int>>(env);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PythonEnvOptions.ModuleVariable, saved);
        }
    }

    [Fact]
    public void Prints_to_stdout_inside_the_environment_do_not_corrupt_the_protocol()
    {
        using var env = MakeId<float[], int>("gym:rl_testenvs.testing:FaultyEnv", ("print_at", 2));
        env.Reset();
        for (int t = 1; t <= 4; t++) Assert.Equal([t], env.Step(0).Observation);
    }

    [Fact]
    public void The_environment_checker_passes_a_python_environment_whose_reset_options_are_declared()
    {
        var declared = ("python_reset_options", (object)"low, high, state");
        using var env = Make("CartPole-v1", declared);
        EnvChecker.Check(env, () => Make("CartPole-v1", declared)).ThrowIfFailed();

        var e = Assert.Throws<ArgumentException>(() => env.ResetObject(options: OptionSet.Of(("hgih", 0.1))));
        Assert.Contains("'hgih'", e.Message);
        Assert.Contains("low, high, state", e.Message);
        // Undeclared, every key goes to Python (Gymnasium environments ignore the ones they do not know).
        using var lenient = Make("CartPole-v1");
        lenient.ResetObject(options: OptionSet.Of(("hgih", 0.1)));
    }

    [Fact]
    public void The_spec_factory_makes_a_fresh_copy()
    {
        using var env = Make<float[], int>("CartPole-v1");
        using var copy = env.Spec!.Factory(OptionSet.Of(("python_module", Module)));
        Assert.IsType<PythonEnv<float[], int>>(copy);
        Assert.NotEqual(((IPythonEnv)env).ProcessId, ((IPythonEnv)copy).ProcessId);
    }
}
