using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Rl.Agents.Training;
using Rl.Distributed;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests.Distributed;

/// <summary>POSIX signals the tests send to worker processes.</summary>
public static partial class Signal
{
    public const int Stop = 19;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Send(int pid, int signal);

    /// <summary>Waits until every thread of the process is stopped (state T in /proc/PID/task/*/stat).</summary>
    public static bool WaitStopped(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (Directory.GetDirectories($"/proc/{pid}/task").All(t => State(File.ReadAllText(Path.Combine(t, "stat"))) is 'T' or 't'))
                    return true;
            }
            catch (IOException)
            {
                // a thread ended while we looked
            }
            Thread.Sleep(20);
        }
        return false;
    }

    // The state follows the command name in parentheses, which may itself contain spaces.
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];
}

/// <summary>A <c>rl worker</c> process on loopback, with its output lines collected.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];

    public WorkerProcess(int primaryPort, int threads = 1) : this($"localhost:{primaryPort}", threads) { }

    public WorkerProcess(string cluster, int threads = 1, params string[] extra) : this(cluster, threads, TestCredential.File, null, extra, true) { }

    /// <summary>A worker with <paramref name="credential"/> (a file; null: none) and extra environment variables.</summary>
    public static WorkerProcess Start(string cluster, string? credential, IDictionary<string, string>? environment, int threads = 1, params string[] extra) =>
        new(cluster, threads, credential, environment, extra, true);

    private WorkerProcess(string cluster, int threads, string? credential, IDictionary<string, string>? environment, string[] extra, bool _)
    {
        var (file, prefix) = Runner();
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] credentialArgs = credential is null ? [] : ["--credential", credential];
        foreach (var arg in prefix.Concat(["worker", "--cluster", cluster, "--threads", threads.ToString(), "--verbose", .. credentialArgs, .. extra]))
            info.ArgumentList.Add(arg);
        // No credential from the developer's own environment or default file.
        info.Environment.Remove(ClusterCredential.EnvironmentVariable);
        info.Environment["XDG_CONFIG_HOME"] = TestCredential.EmptyConfigHome;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start rl worker");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Add("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public List<string> Seen { get; } = [];

    /// <summary>Waits for a line containing <paramref name="text"/> (false after the timeout or when the process ended).</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var line, 100))
            {
                Seen.Add(line);
                if (line.Contains(text, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    public int Pid => _process.Id;

    /// <summary>Waits for the process to end (false after the timeout).</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>The exit code (after it ended).</summary>
    public int ExitCode => _process.ExitCode;

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }

    /// <summary>The built runner: the apphost next to the tests, or `dotnet rl.dll`.</summary>
    private static (string File, string[] Prefix) Runner()
    {
        string dir = AppContext.BaseDirectory;
        string host = Path.Combine(dir, "rl");
        if (File.Exists(host)) return (host, []);
        string dll = Path.Combine(dir, "rl.dll");
        if (File.Exists(dll)) return ("dotnet", [dll]);
        throw new FileNotFoundException($"the rl runner is not in the test output folder {dir}");
    }
}

/// <summary>The cluster credential the tests' silos share (created once, mode 0600), and one other.</summary>
public static class TestCredential
{
    private static readonly Lazy<(string File, string Other, string Home, ClusterCredential Value)> Created = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("rl-test-cluster-").FullName;
        string file = Path.Combine(dir, "cluster.pem"), other = Path.Combine(dir, "other.pem");
        ClusterCredential.Create(other).Dispose();
        string home = Path.Combine(dir, "empty-config-home");
        Directory.CreateDirectory(home);
        return (file, other, home, ClusterCredential.Create(file));
    });

    /// <summary>The file of the tests' cluster credential.</summary>
    public static string File => Created.Value.File;

    /// <summary>The file of another cluster's credential.</summary>
    public static string Other => Created.Value.Other;

    /// <summary>An XDG_CONFIG_HOME with no default credential in it.</summary>
    public static string EmptyConfigHome => Created.Value.Home;

    /// <summary>The tests' cluster credential.</summary>
    public static ClusterCredential Value => Created.Value.Value;
}

/// <summary>
/// Distributed ARS on real worker processes over loopback (the learner runs in the test process): the same final parameters
/// as a local run with the same seed: two workers; three of which one is killed and one hangs mid-run; Redis membership.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DistributedTrainingTests : ConsoleTest
{
    // The shipped ARS V2 config; no early stop, so every run takes the same 20+ iterations.
    private static readonly string[] Settings = ["--set", "run.stop_when_solved=false", "--set", "run.total_steps=30000", "--set", "run.progress_seconds=0",
        "--set", "run.eval_interval=0", "--set", "run.checkpoint_interval=0", "--set", "run.threads=1", "--plain"];

    private static float[] FinalTheta(string runDir) =>
        Checkpoint.Read(CheckpointStore.Files(Path.Combine(runDir, "checkpoints"))[0]).GetArray<float>("gradient_free/theta");

    private static double FinalEval(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "result.json"))).RootElement.GetProperty("final_eval").GetProperty("mean_return").GetDouble();

    private static (string Dir, float[] Theta) Local(TempDir dir)
    {
        var (code, _, err) = Rl(["train", "ars", "CartPole-v1", "--out", dir.Sub("local"), .. Settings]);
        Assert.True(code == 0, err);
        return (dir.Sub("local"), FinalTheta(dir.Sub("local")));
    }

    [Fact]
    public void TwoWorkerProcessesTrainArsToTheLocalRunsParameters()
    {
        using var dir = new TempDir();
        int port = ClusterMembership.FreePort();
        using var a = new WorkerProcess(port);
        using var b = new WorkerProcess(port);
        var (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--out", dir.Sub("cluster"), "--cluster", $"localhost:{port}", "--workers", "2", "--credential", TestCredential.File, .. Settings]);
        Assert.True(code == 0, $"rl train --cluster exited with {code}: {err}\n{output}");
        Assert.Contains("cluster: 2 live workers", output);
        Assert.True(a.WaitFor("chunk of version", TimeSpan.FromSeconds(5)), "worker a ran no chunk: " + string.Join("\n", a.Seen));
        Assert.True(b.WaitFor("chunk of version", TimeSpan.FromSeconds(5)), "worker b ran no chunk: " + string.Join("\n", b.Seen));

        var (localDir, local) = Local(dir);
        Assert.Equal(local, FinalTheta(dir.Sub("cluster")));
        Assert.Equal(File.ReadAllText(Path.Combine(localDir, "metrics.csv")), File.ReadAllText(dir.Sub("cluster/metrics.csv")));
        Assert.True(FinalEval(dir.Sub("cluster")) >= 475, $"final evaluation {FinalEval(dir.Sub("cluster"))} < 475");
    }

    [Fact]
    public async Task WorkersKilledOrHungMidRunLoseTheirRolloutsToTheOthersAndTheResultStillMatches()
    {
        // The learner's iterations are driven one by one here, so the faults land at known points of the run: a worker killed
        // after iteration 3, another hung during iteration 5 and killed after it.
        const int iterations = 12;
        var config = ExperimentConfig.Parse(ShippedConfigs.For("ars", "CartPole-v1")!.Value.Text, "ars-CartPole-v1") with { };
        int port = ClusterMembership.FreePort();
        using var a = new WorkerProcess(port);
        using var b = new WorkerProcess(port);
        using var victim = new WorkerProcess(port);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var cluster = await ClusterRollouts.StartAsync(ClusterMembership.Parse($"localhost:{port}"), TestCredential.Value, new DistributedRolloutOptions { MinWorkers = 3 }, log.Enqueue);
        float[] distributed;
        try
        {
            using var algorithm = (Rl.Agents.GradientFree.Ars)TrainingSession.Build(config, rollouts: cluster.Create);
            for (int i = 0; i < 3; i++) algorithm.RunIteration();
            Assert.True(b.WaitFor("chunk of version", TimeSpan.FromSeconds(10)), "worker b ran no chunk: " + string.Join("\n", b.Seen));
            Assert.True(victim.WaitFor("chunk of version", TimeSpan.FromSeconds(10)), "the third worker ran no chunk: " + string.Join("\n", victim.Seen));

            // Iteration 4: worker b was killed; the call it gets fails (or the cluster already dropped it) and its chunk goes to the others.
            b.Kill();
            algorithm.RunIteration();
            Assert.Contains(log, line => line.Contains("failed", StringComparison.Ordinal) || line.Contains("left the cluster", StringComparison.Ordinal));

            // Iteration 5: the victim hangs (SIGSTOP) holding a chunk; the idle worker runs a copy and the iteration ends.
            Assert.Equal(0, Signal.Send(victim.Pid, Signal.Stop));
            Assert.True(Signal.WaitStopped(victim.Pid, TimeSpan.FromSeconds(10)), "the victim did not stop");
            algorithm.RunIteration();
            Assert.True(cluster.Backend!.LastIteration!.Calls > cluster.Backend.LastIteration.Chunks,
                $"no chunk was given to a second worker in the iteration the victim hung: {cluster.Backend.LastIteration}");

            // The rest of the run goes on with the one worker left.
            victim.Kill();
            for (int i = 5; i < iterations; i++) algorithm.RunIteration();
            distributed = algorithm.Theta.ToArray();
            Assert.True(algorithm.Evaluate(20, 0).MeanReturn >= 475, $"mean return {algorithm.Evaluate(20, 0).MeanReturn} < 475");
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        using var local = (Rl.Agents.GradientFree.Ars)TrainingSession.Build(config);
        for (int i = 0; i < iterations; i++) local.RunIteration();
        Assert.Equal(local.Theta.ToArray(), distributed);
    }

    [Fact]
    public void RedisMembershipTrainsToTheLocalRunsParameters()
    {
        // Orleans' Redis membership provider against a throwaway redis-server on loopback (test.sh installs redis-server),
        // which asks for a password: the worker reads it from $RL_REDIS_PASSWORD, the learner from a 0600 file.
        using var dir = new TempDir();
        int redisPort = ClusterMembership.FreePort();
        string password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        // The password reaches redis-server on its standard input (a config file read from stdin), not its command line.
        foreach (var arg in new[] { "-" }) info.ArgumentList.Add(arg);
        using var redis = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        redis.StandardInput.Write($"port {redisPort}\nbind 127.0.0.1\nsave \"\"\nappendonly no\nrequirepass {password}\n");
        redis.StandardInput.Close();
        string passwordFile = dir.Sub("redis-password");
        File.WriteAllText(passwordFile, password + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            string cluster = $"redis=127.0.0.1:{redisPort}";
            for (int i = 0; i < 50 && !ClusterMembership.Parse($"localhost:{redisPort}").PrimaryReachable(); i++) Thread.Sleep(100);
            // Without the password the learner is refused by Redis, and says so.
            var (refusedCode, _, refusedErr) = Rl(["train", "ars", "CartPole-v1", "--out", dir.Sub("refused"), "--cluster", cluster, "--advertise", "127.0.0.1",
                "--credential", TestCredential.File, .. Settings]);
            Assert.Equal(1, refusedCode);
            Assert.Contains($"the Redis server at 127.0.0.1:{redisPort} refused this silo's credentials", refusedErr);

            using var worker = WorkerProcess.Start(cluster, TestCredential.File, new Dictionary<string, string> { [ClusterMembership.RedisPasswordVariable] = password },
                2, "--advertise", "127.0.0.1");
            var (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--out", dir.Sub("cluster"), "--cluster", cluster, "--advertise", "127.0.0.1",
                "--credential", TestCredential.File, "--redis-password-file", passwordFile, .. Settings]);
            Assert.True(code == 0, $"rl train --cluster {cluster} exited with {code}: {err}\n{output}");
            Assert.Contains("cluster: 1 live worker", output);
            Assert.DoesNotContain(password, output + err + string.Join("\n", worker.Seen) + File.ReadAllText(dir.Sub("cluster/config.toml")));
            var (_, local) = Local(dir);
            Assert.Equal(local, FinalTheta(dir.Sub("cluster")));
        }
        finally
        {
            redis.Kill();
            redis.WaitForExit(5000);
        }
    }

    [Fact]
    public void AnUnreachableRedisIsNamedAsSuch()
    {
        int closed = ClusterMembership.FreePort();
        var (code, _, err) = Rl("train", "ars", "CartPole-v1", "--cluster", $"redis=127.0.0.1:{closed}", "--advertise", "127.0.0.1", "--credential", TestCredential.File,
            "--out", Path.Combine(Path.GetTempPath(), $"rl-never-{closed}"));
        Assert.Equal(1, code);
        Assert.Contains($"cannot reach the Redis server at 127.0.0.1:{closed}", err);
        var (passwordCode, _, passwordErr) = Rl("worker", "--cluster", "redis=127.0.0.1:6379,password=hunter2");
        Assert.Equal(2, passwordCode);
        Assert.Contains("not on the command line", passwordErr);
        Assert.DoesNotContain("hunter2", passwordErr);
    }

    [Fact]
    public void AWorkerOfAnotherBuildIsRefusedWithAClearMessage()
    {
        var other = new WorkerInfo { Protocol = RolloutProtocol.Version, Build = "0123456789ab", ProductVersion = "0.9", Name = "box:42", Threads = 2 };
        string? problem = RolloutProtocol.Incompatibility(other);
        Assert.NotNull(problem);
        Assert.Contains("box:42", problem);
        Assert.Contains("0123456789ab", problem);
        Assert.Contains(RolloutProtocol.Build, problem);
        Assert.Contains("same rl build", problem);
        Assert.Contains("protocol", RolloutProtocol.Incompatibility(new WorkerInfo { Protocol = RolloutProtocol.Version + 1, Build = RolloutProtocol.Build, Name = "x" }));
        Assert.Null(RolloutProtocol.Incompatibility(new WorkerInfo { Protocol = RolloutProtocol.Version, Build = RolloutProtocol.Build, Name = "x" }));
    }

    [Fact]
    public void ClusterValuesParseOrExplainWhatIsWrong()
    {
        Assert.Equal(11111, ClusterMembership.Parse("localhost").PrimaryPort);
        Assert.Equal(2345, ClusterMembership.Parse("localhost:2345").PrimaryPort);
        var redis = ClusterMembership.Parse("redis=10.0.0.5:6379");
        Assert.Equal((MembershipKind.Redis, "10.0.0.5:6379"), (redis.Kind, redis.Redis));
        Assert.Contains("expected localhost", Assert.Throws<FormatException>(() => ClusterMembership.Parse("zookeeper")).Message);
        Assert.Contains("port", Assert.Throws<FormatException>(() => ClusterMembership.Parse("localhost:99999")).Message);
    }

    [Fact]
    public void ClusterTrainingOfAnAlgorithmThatIsNotGradientFreeIsRejected()
    {
        int port = ClusterMembership.FreePort();
        var (code, _, err) = Rl("train", "reinforce", "CartPole-v1", "--cluster", $"localhost:{port}", "--credential", TestCredential.File, "--out", Path.Combine(Path.GetTempPath(), $"rl-never-{port}"));
        Assert.Equal(2, code);
        Assert.Contains("gradient-free", err);
    }
}

/// <summary>A worker silo in this process refuses jobs that do not match it, with messages that say what differs.</summary>
public class WorkerRefusalTests
{
    private sealed class EnvironmentOfItsOwnException(string message) : Exception(message);

    /// <summary>The job a learner sends for the shipped ARS CartPole-v1 config.</summary>
    private static JobSpec ShippedArsJob(string id)
    {
        Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var config = ExperimentConfig.Parse(ShippedConfigs.For("ars", "CartPole-v1")!.Value.Text, "ars-CartPole-v1");
        var gf = (Rl.Agents.GradientFree.GradientFreeConfig)config.Config;
        using var env = config.MakeEnv();
        var options = gf.ToPolicyOptions();
        var architecture = Rl.Agents.Policies.PolicyArchitecture.Create(env.ObservationSpace, env.ActionSpace, options);
        var noise = Rl.Agents.Parameters.NoiseTable.Shared(gf.NoiseTableSeed, gf.NoiseTableSize);
        var job = new Rl.Agents.GradientFree.RolloutJob("ars", architecture, options, noise, 1, 0, true);
        return RolloutProtocol.Describe(id, job, config.ToToml());
    }

    [Fact]
    public async Task AWorkerThatCannotSetUpAJobSaysWhyEvenForExceptionTypesOrleansCannotCarry()
    {
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var log = new ConcurrentQueue<string>();
        await using var learner = await RolloutSilo.StartLearnerAsync(membership, TestCredential.Value, _ => { });
        await using var worker = await RolloutSilo.StartWorkerAsync(membership, TestCredential.Value,
            new WorkerHostOptions(1, _ => throw new EnvironmentOfItsOwnException("the track file is missing"), log.Enqueue));
        for (int i = 0; i < 100 && learner.LiveWorkers().Count == 0; i++) await Task.Delay(100);
        var grain = learner.Grains.GetGrain<IRolloutWorkerGrain>(Assert.Single(learner.LiveWorkers()).ToParsableString());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Prepare(ShippedArsJob("own")));
        Assert.Contains("could not set up the learner's environment", error.Message);
        Assert.Contains("EnvironmentOfItsOwnException: the track file is missing", error.Message);
        Assert.Contains(log, line => line.Contains("refused job own") && line.Contains("the track file is missing"));
    }

    [Fact]
    public async Task AWorkerRefusesAJobOfAnotherBuildPolicyOrNoiseTable()
    {
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        await using var learner = await RolloutSilo.StartLearnerAsync(membership, TestCredential.Value, _ => { });
        await using var worker = await RolloutSilo.StartWorkerAsync(membership, TestCredential.Value, new WorkerHostOptions(1, ClusterRollouts.Resolver(new WorkerPermissions()), _ => { }));
        for (int i = 0; i < 100 && learner.LiveWorkers().Count == 0; i++) await Task.Delay(100);
        var grain = learner.Grains.GetGrain<IRolloutWorkerGrain>(Assert.Single(learner.LiveWorkers()).ToParsableString());

        var good = ShippedArsJob("good");

        await grain.Prepare(good);
        var info = await grain.Hello();
        Assert.Null(RolloutProtocol.Incompatibility(info));

        var noiseError = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Prepare(good with { JobId = "noise", NoiseChecksum = good.NoiseChecksum + 1 }));
        Assert.Contains("noise table", noiseError.Message);
        var buildError = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Prepare(good with { JobId = "build", Build = "000000000000" }));
        Assert.Contains("000000000000", buildError.Message);
        Assert.Contains("same rl build", buildError.Message);
        var policyError = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Prepare(good with { JobId = "policy", ParameterCount = 7, Architecture = "Linear(3 -> 2)" }));
        Assert.Contains("Linear(3 -> 2)", policyError.Message);
    }
}
