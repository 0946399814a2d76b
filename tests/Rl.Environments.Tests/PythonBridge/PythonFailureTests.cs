using System.Diagnostics;
using System.Runtime.CompilerServices;
using Rl.Core;
using Rl.Environments.Python;
using static Rl.Environments.Tests.PythonBridge.PythonTestSupport;

namespace Rl.Environments.Tests.PythonBridge;

/// <summary>Every way the bridge can fail says what happened, and no worker process (or zombie) is left behind.</summary>
public class PythonFailureTests
{
    public PythonFailureTests() => EnsureReady();

    private const string Faulty = "gym:rl_testenvs.testing:FaultyEnv";

    [Fact]
    public void A_missing_interpreter_is_named_with_how_to_choose_another()
    {
        var e = Assert.Throws<PythonEnvException>(() => Envs.Make("gym:CartPole-v1", ("python", "/nonexistent/python3")));
        Assert.Equal(PythonFailure.InterpreterNotFound, e.Failure);
        Assert.Contains("'/nonexistent/python3'", e.Message);
        Assert.Contains(PythonEnvOptions.PythonVariable, e.Message);
        Assert.StartsWith("gym:CartPole-v1: ", e.Message);
    }

    [Fact]
    public void Without_gymnasium_the_message_says_pip_install_gymnasium()
    {
        bool installed = RunPython("import gymnasium").ExitCode == 0;
        if (installed)
        {
            // Where gymnasium exists, the same call must simply work.
            using var env = MakeId<float[], int>("gym:CartPole-v1", ("python_module", "gymnasium"));
            Assert.Equal(4, env.Reset(seed: 0).Observation.Length);
            return;
        }
        var e = Assert.Throws<PythonEnvException>(() => Envs.Make("gym:CartPole-v1", ("python_module", "gymnasium")));
        Assert.Equal(PythonFailure.ModuleNotInstalled, e.Failure);
        Assert.Contains("pip install gymnasium", e.Message);
        Assert.Contains("'gymnasium'", e.Message);
        Assert.Empty(WaitNoWorkers("CartPole-v1"));
    }

    [Theory]
    [InlineData("nan_at", "element 0 is NaN")]
    [InlineData("inf_at", "element 0 is -infinity")]
    public void A_non_finite_observation_is_reported_not_passed_on(string option, string reason)
    {
        using var env = MakeId<float[], int>(Faulty, (option, 2));
        Assert.Equal([0f], env.Reset(seed: 1).Observation);
        Assert.Equal([1f], env.Step(0).Observation);
        var e = Assert.Throws<PythonEnvException>(() => env.Step(1));
        Assert.Equal(PythonFailure.NonFiniteObservation, e.Failure);
        Assert.StartsWith(Faulty + ": the observation returned by step is not finite: " + reason, e.Message);
        Assert.Throws<ResetNeededException>(() => env.Step(0));
        // The worker is alive: a reset starts a usable episode.
        Assert.Equal([0f], env.Reset().Observation);
        Assert.Equal([1f], env.Step(0).Observation);
    }

    [Fact]
    public void A_non_finite_reset_observation_is_reported()
    {
        using var env = MakeId<float[], int>(Faulty, ("nan_at", 0));
        var e = Assert.Throws<PythonEnvException>(() => env.Reset(seed: 1));
        Assert.Equal(PythonFailure.NonFiniteObservation, e.Failure);
        Assert.Contains("returned by reset is not finite: element 0 is NaN", e.Message);
    }

    [Fact]
    public void A_missing_gymnasium_extra_is_reported_with_its_install_command()
    {
        var e = Assert.Throws<PythonEnvException>(() => Make("NeedsExtra-v0"));
        Assert.Equal(PythonFailure.ModuleNotInstalled, e.Failure);
        Assert.Contains("pip install \"gymnasium[box2d]\"", e.Message);
    }

    [Fact]
    public void An_unknown_id_lists_the_registered_ones()
    {
        var e = Assert.Throws<PythonEnvException>(() => Make("NoSuchEnv-v3"));
        Assert.Equal(PythonFailure.UnknownEnvironment, e.Failure);
        Assert.Contains("NoSuchEnv-v3", e.Message);
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Empty(WaitNoWorkers("NoSuchEnv-v3"));
    }

    [Fact]
    public void An_unknown_class_or_module_in_a_module_id_is_named()
    {
        var e = Assert.Throws<PythonEnvException>(() => Envs.Make("gym:rl_testenvs.testing:NoSuchClass"));
        Assert.Equal(PythonFailure.UnknownEnvironment, e.Failure);
        Assert.Contains("NoSuchClass", e.Message);
        Assert.Contains("FaultyEnv", e.Message);

        var m = Assert.Throws<PythonEnvException>(() => Envs.Make("gym:no_such_module_xyz:Env"));
        Assert.Equal(PythonFailure.ModuleNotInstalled, m.Failure);
        Assert.Contains("no_such_module_xyz", m.Message);
    }

    [Fact]
    public void An_exception_inside_the_environment_carries_the_python_traceback_and_the_env_stays_usable()
    {
        using var env = MakeId<float[], int>(Faulty, ("fail_at", 2));
        env.Reset();
        env.Step(0);
        var e = Assert.Throws<PythonEnvException>(() => env.Step(0));
        Assert.Equal(PythonFailure.EnvironmentError, e.Failure);
        Assert.Equal("ValueError", e.PythonType);
        Assert.Contains("ValueError: boom at step 2", e.Message);
        Assert.Contains("Traceback (most recent call last)", e.Message);
        Assert.Contains("in _explode", e.Message);
        Assert.Contains("testing.py", e.PythonTraceback);

        Assert.Equal([0f], env.Reset().Observation);
        Assert.Equal([1f], env.Step(1).Observation);
    }

    [Fact]
    public void An_exception_while_making_the_environment_is_reported_and_the_worker_ends()
    {
        var e = Assert.Throws<PythonEnvException>(() => Envs.Make(Faulty, ("init_error", true)));
        Assert.Equal(PythonFailure.EnvironmentError, e.Failure);
        Assert.Contains("RuntimeError: FaultyEnv refused to start", e.Message);
        Assert.Empty(WaitNoWorkers("FaultyEnv"));
    }

    [Fact]
    public void A_crashing_worker_is_reported_with_its_exit_code_and_stderr_and_is_reaped()
    {
        using var env = MakeId<float[], int>(Faulty, ("crash_at", 2));
        int pid = ((IPythonEnv)env).ProcessId;
        env.Reset();
        env.Step(0);
        var e = Assert.Throws<PythonEnvException>(() => env.Step(0));
        Assert.Equal(PythonFailure.WorkerCrashed, e.Failure);
        Assert.Contains("exited with code 3", e.Message);
        Assert.Contains("crashing on purpose at step 2", e.Message);
        Assert.True(WaitGone(pid), $"worker {pid} is still there after crashing");

        var again = Assert.Throws<PythonEnvException>(() => env.Reset());
        Assert.Equal(PythonFailure.WorkerCrashed, again.Failure);
        Assert.Contains("make a new environment", again.Message);
    }

    [Fact]
    public void A_hanging_worker_times_out_with_its_python_stack_and_is_killed()
    {
        using var env = MakeId<float[], int>(Faulty, ("hang_at", 1), ("python_timeout", 0.5));
        int pid = ((IPythonEnv)env).ProcessId;
        env.Reset();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<PythonEnvException>(() => env.Step(0));
        Assert.Equal(PythonFailure.TimedOut, e.Failure);
        Assert.Contains("within 0.5 s during step", e.Message);
        Assert.Contains("_wait_forever", e.Message); // the stack dump the bridge writes on SIGUSR1
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the timeout did not fire");
        Assert.True(WaitGone(pid), $"worker {pid} survived its timeout");
    }

    [Fact]
    public void A_worker_that_hangs_while_starting_times_out()
    {
        var e = Assert.Throws<PythonEnvException>(() =>
            Envs.Make(Faulty, ("init_sleep", 60), ("python_start_timeout", 0.5)));
        Assert.Equal(PythonFailure.TimedOut, e.Failure);
        Assert.Contains("starting the environment", e.Message);
        Assert.Empty(WaitNoWorkers("FaultyEnv"));
    }

    [Fact]
    public void Dispose_stops_the_worker_and_later_calls_say_so()
    {
        var env = Make<float[], int>("CartPole-v1");
        int pid = ((IPythonEnv)env).ProcessId;
        env.Reset(seed: 0);
        env.Dispose();
        Assert.True(WaitGone(pid), $"worker {pid} is still there after Dispose");
        env.Dispose();
        Assert.Throws<ObjectDisposedException>(() => env.Reset());
    }

    [Fact]
    public void A_leaked_environment_is_killed_by_the_finalizer()
    {
        int pid = MakeAndDrop();
        for (int i = 0; i < 5 && ProcessExists(pid); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.True(WaitGone(pid), $"worker {pid} of a leaked environment is still there");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int MakeAndDrop()
    {
        var env = Make<float[], int>("CartPole-v1");
        env.Reset(seed: 0);
        return ((IPythonEnv)env).ProcessId;
    }

    [Fact]
    public void A_worker_whose_parent_is_killed_dies_with_it()
    {
        // A Python stand-in for a .NET parent starts the bridge, with the pipe's write end also held by a sleeper so that the
        // worker sees no end of input: only the parent-death signal can end it once the parent is SIGKILLed.
        string script = $$"""
            import subprocess, sys, os, time
            r, w = os.pipe()
            sleeper = subprocess.Popen(["sleep", "60"], pass_fds=[w])
            worker = subprocess.Popen([sys.executable, {{Quote(BridgeScript.Path)}}, "orphan-test-id", str(os.getpid())], stdin=r, stdout=subprocess.PIPE)
            print(worker.pid, sleeper.pid, flush=True)
            time.sleep(60)
            """;
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var parent = Process.Start(info)!;
        var pids = parent.StandardOutput.ReadLine()!.Split(' ').Select(int.Parse).ToArray();
        int worker = pids[0], sleeper = pids[1];
        try
        {
            Assert.True(WaitReadingInput(worker), $"worker {worker} never got to wait for its first request");
            Assert.True(ProcessExists(worker));
            parent.Kill();
            parent.WaitForExit();
            Assert.True(WaitGone(worker) || IsZombieOfInit(worker), $"worker {worker} outlived its killed parent");
        }
        finally
        {
            try { Process.GetProcessById(sleeper).Kill(); } catch (ArgumentException) { }
        }
    }

    // Once the worker blocks reading its input it has asked for the parent-death signal.
    private static bool WaitReadingInput(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                if (File.ReadAllText($"/proc/{pid}/wchan").Contains("pipe_read")) return true;
            }
            catch (IOException)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return false;
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    // An orphan is re-parented to init (or a subreaper) which reaps it; until then it may briefly show as a zombie.
    private static bool IsZombieOfInit(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public void Bridge_settings_are_validated()
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make("gym:CartPole-v1", ("python_timeout", -1)));
        Assert.Contains("python_timeout", e.Message);
        var s = Assert.Throws<ArgumentException>(() => Envs.Make("gym:CartPole-v1", ("python_stderr", "loud")));
        Assert.Contains("'tail' or 'forward'", s.Message);
    }
}
