using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Core;
using Rl.Distributed;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests.Distributed;

/// <summary>
/// Clusters that let no one in: the credential file, mutual TLS between silos (another credential or none is refused, the
/// refusal logged on both sides, the running training unharmed), a second learner on a port in use, the listening surface,
/// workers that run only the environments they were allowed, and learners that drop workers sending malformed results.
/// </summary>
[SupportedOSPlatform("linux")]
public class ClusterSecurityTests : ConsoleTest
{
    private static ExperimentConfig ArsCartPole()
    {
        BuiltInAlgorithms.EnsureRegistered();
        return ExperimentConfig.Parse(ShippedConfigs.For("ars", "CartPole-v1")!.Value.Text, "ars-CartPole-v1");
    }

    private static float[] LocalTheta(ExperimentConfig config, int iterations)
    {
        using var local = (Ars)TrainingSession.Build(config);
        for (int i = 0; i < iterations; i++) local.RunIteration();
        return local.Theta.ToArray();
    }

    private static bool Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(100);
        }
        return condition();
    }

    [Fact]
    public void ClusterInitWritesAnOwnerOnlyCredentialThatTheCommandsReadFromAFileOrTheEnvironment()
    {
        using var dir = new TempDir();
        string file = dir.Sub("keys/cluster.pem");
        var (code, output, err) = Rl("cluster", "init", "--out", file);
        Assert.True(code == 0, err);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir.Sub("keys")));
        Assert.Contains("PRIVATE KEY", File.ReadAllText(file));
        Assert.DoesNotContain("PRIVATE KEY", output + err);

        // Not replaced by accident: every silo of its cluster holds it.
        var (again, _, againErr) = Rl("cluster", "init", "--out", file);
        Assert.Equal(2, again);
        Assert.Contains("exists already", againErr);

        using (var fromFile = ClusterCredential.Load(file))
        using (var fromVariable = ClusterCredential.FromPem(File.ReadAllText(file), "$" + ClusterCredential.EnvironmentVariable))
        {
            Assert.Equal(fromFile.Fingerprint, fromVariable.Fingerprint);
            Assert.Contains(fromFile.Fingerprint, output);
            Assert.True(fromFile.Matches(fromVariable.Certificate));
            using var other = ClusterCredential.Load(TestCredential.File);
            Assert.False(fromFile.Matches(other.Certificate));
        }

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Contains("chmod 600", Assert.Throws<InvalidOperationException>(() => ClusterCredential.Load(file)).Message);

        // From the environment variable: the log names where it came from and its fingerprint, never the key.
        using (var fromVariable = WorkerProcess.Start($"localhost:{ClusterMembership.FreePort()}", null,
                   new Dictionary<string, string> { [ClusterCredential.EnvironmentVariable] = File.ReadAllText(TestCredential.File) }))
        {
            Assert.True(fromVariable.WaitFor("waiting for the learner", TimeSpan.FromSeconds(30)), string.Join("\n", fromVariable.Seen));
            Assert.Contains(fromVariable.Seen, l => l.Contains($"credential {TestCredential.Value.Fingerprint} (${ClusterCredential.EnvironmentVariable})", StringComparison.Ordinal));
            Assert.DoesNotContain(fromVariable.Seen, l => l.Contains("PRIVATE KEY", StringComparison.Ordinal));
            Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText($"/proc/{fromVariable.Pid}/cmdline"));
        }

        // A worker with no credential anywhere (no option, no variable, no default file) does not start, and says how to make one.
        using var bare = WorkerProcess.Start($"localhost:{ClusterMembership.FreePort()}", null, null);
        Assert.True(bare.WaitForExit(TimeSpan.FromSeconds(30)), "a worker without a credential kept running");
        Assert.Equal(2, bare.ExitCode);
        Assert.True(bare.WaitFor("no cluster credential", TimeSpan.FromSeconds(5)), string.Join("\n", bare.Seen));
        Assert.Contains(bare.Seen, line => line.Contains("rl cluster init", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlySilosHoldingTheCredentialJoinAndIntrudersOrASecondLearnerLeaveTheTrainingUnharmed()
    {
        const int iterations = 8;
        var config = ArsCartPole();
        int port = ClusterMembership.FreePort();
        using var worker = new WorkerProcess(port);
        var log = new ConcurrentQueue<string>();
        var cluster = await ClusterRollouts.StartAsync(ClusterMembership.Parse($"localhost:{port}"), TestCredential.Value, new DistributedRolloutOptions(), log.Enqueue);
        float[] distributed;
        try
        {
            using var algorithm = (Ars)TrainingSession.Build(config, rollouts: cluster.Create);
            for (int i = 0; i < 3; i++) algorithm.RunIteration();
            Assert.True(worker.WaitFor("chunk of version", TimeSpan.FromSeconds(10)), "the worker ran no chunk: " + string.Join("\n", worker.Seen));

            // Members' connections, the worker's liveness checks included, are never taken for intruders.
            Assert.DoesNotContain(log, l => l.Contains("refused", StringComparison.Ordinal));

            // A silo holding another cluster's credential: both sides log the refusal with the other's address.
            using (var intruder = WorkerProcess.Start($"localhost:{port}", TestCredential.Other, null))
            {
                Assert.True(intruder.WaitFor($"could not authenticate the silo at 127.0.0.1:{port}", TimeSpan.FromSeconds(30)),
                    "the intruder did not report the refusal: " + string.Join("\n", intruder.Seen));
                Assert.True(Eventually(() => log.Any(l => l.Contains("refused a connection from 127.0.0.1:", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
                    "the learner did not log the refusal: " + string.Join("\n", log));
                Assert.DoesNotContain(intruder.Seen, line => line.Contains("joined the cluster", StringComparison.Ordinal));
                algorithm.RunIteration();
            }

            // Something that does not speak TLS at all.
            int refusedBefore = log.Count(l => l.Contains("refused a connection", StringComparison.Ordinal));
            using (var raw = new TcpClient())
            {
                await raw.ConnectAsync(IPAddress.Loopback, port);
                await raw.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n orleans? let me in\r\n"));
                var buffer = new byte[256];
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    while (await raw.GetStream().ReadAsync(buffer, timeout.Token) > 0) { }
                }
                catch (IOException)
                {
                    // reset by the learner: refused
                }
            }
            Assert.True(Eventually(() => log.Count(l => l.Contains("refused a connection", StringComparison.Ordinal)) > refusedBefore, TimeSpan.FromSeconds(10)),
                "the learner did not log the plain TCP connection: " + string.Join("\n", log));

            // A second learner on the same port is refused before it touches the cluster.
            var (code, _, err) = Rl("train", "ars", "CartPole-v1", "--cluster", $"localhost:{port}", "--credential", TestCredential.File,
                "--out", Path.Combine(Path.GetTempPath(), $"rl-never-{port}"));
            Assert.Equal(1, code);
            Assert.Contains($"port {port} on 127.0.0.1 is in use", err);

            // Nothing of the cluster listens on an address other than loopback.
            var listening = Listening([Environment.ProcessId, worker.Pid]);
            Assert.Contains(listening, e => e.Port == port);
            Assert.All(listening, e => Assert.True(IPAddress.IsLoopback(e.Address), $"{e} is not a loopback address"));

            for (int i = 4; i < iterations; i++) algorithm.RunIteration();
            distributed = algorithm.Theta.ToArray();
            var workers = cluster.Backend!.Status();
            Assert.Single(workers);
            Assert.Equal("active", workers[0].State);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
        Assert.Equal(LocalTheta(config, iterations), distributed);
    }

    [Fact]
    public async Task AWorkerRefusesAPythonEnvironmentItWasNotAllowedAndTheLearnerSaysWhy()
    {
        var config = ArsCartPole();
        int port = ClusterMembership.FreePort();
        using var worker = new WorkerProcess(port);
        var cluster = await ClusterRollouts.StartAsync(ClusterMembership.Parse($"localhost:{port}"), TestCredential.Value,
            new DistributedRolloutOptions { WorkerWait = TimeSpan.FromSeconds(60) }, _ => { });
        try
        {
            // The learner's config names a Python module:Class (its policy is CartPole's, which the worker never gets to build).
            const string python = "gym:rl_testenvs.cartpole:CartPoleEnv";
            using var algorithm = (Ars)TrainingSession.Build(config, rollouts: (c, job) => cluster.Create(c with { Env = python }, job));
            var e = Assert.Throws<InvalidOperationException>(() => algorithm.RunIteration());
            Assert.Contains($"does not run the Python environment '{python}'", e.Message);
            Assert.Contains("--allow-env rl_testenvs.cartpole:CartPoleEnv", e.Message);
            Assert.True(worker.WaitFor("refused job", TimeSpan.FromSeconds(5)), string.Join("\n", worker.Seen));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public void WorkerPermissionsAllowListedPythonEnvironmentsAndPathsInsideGivenDirectories()
    {
        using var dir = new TempDir();
        var none = new WorkerPermissions();
        var empty = OptionSet.Empty;
        Assert.Null(none.Refusal("CartPole-v1", empty));
        Assert.Contains("--allow-env", none.Refusal("gym:CartPole-v1", empty));
        Assert.Contains("--allow-env", none.Refusal("gym:os:system", empty));

        var some = new WorkerPermissions { Environments = ["CartPole-v1", "mypkg", "other.envs:Maze"], Directories = [dir.Path] };
        Assert.Null(some.Refusal("gym:CartPole-v1", empty));
        Assert.Null(some.Refusal("gym:mypkg:Anything", empty));
        Assert.Null(some.Refusal("gym:mypkg.sub:Thing-v0", empty));
        Assert.Null(some.Refusal("gym:other.envs:Maze", empty));
        Assert.NotNull(some.Refusal("gym:other.envs:Other", empty));
        Assert.NotNull(some.Refusal("gym:mypkgx:Thing", empty));
        Assert.NotNull(some.Refusal("gym:LunarLander-v3", empty));
        Assert.NotNull(some.Refusal("gym:os:system", empty));

        // Path-valued options: inside the given directory only, however they are spelled; the interpreter is one.
        Assert.Null(some.Refusal("CartPole-v1", OptionSet.Of(("model_file", Path.Combine(dir.Path, "a.xml")))));
        Assert.Contains("outside the directories", some.Refusal("CartPole-v1", OptionSet.Of(("model_file", "/etc/passwd"))));
        Assert.NotNull(some.Refusal("CartPole-v1", OptionSet.Of(("model_file", Path.Combine(dir.Path, "../../etc/passwd")))));
        Assert.NotNull(some.Refusal("gym:CartPole-v1", OptionSet.Of(("python", "/tmp/evil.sh"))));
        Assert.NotNull(some.Refusal("gym:CartPole-v1", OptionSet.Of(("xml", "~/x.xml"))));
        Directory.CreateSymbolicLink(dir.Sub("escape"), "/etc");
        Assert.NotNull(some.Refusal("CartPole-v1", OptionSet.Of(("model_file", dir.Sub("escape/passwd")))));
        Assert.Null(some.Refusal("CartPole-v1", OptionSet.Of(("kinematics_integrator", "semi-implicit"))));
        Assert.Contains("python_module", none.Refusal("CartPole-v1", OptionSet.Of(("python_module", "evil"))));
    }

    [Fact]
    public void ATrainConfigFileNamingPythonCodeIsRunOnlyWithAllowEnvAndOnlyIfItIsAnEnvironment()
    {
        using var dir = new TempDir();
        string file = dir.Sub("innocent.toml");
        string marker = dir.Sub("pwned");
        File.WriteAllText(file, $"algo = \"ars\"\nenv = \"gym:os:system\"\n[env_kwargs]\ncommand = \"touch {marker}\"\n");
        var (code, _, err) = Rl("train", file, "--out", dir.Sub("run"));
        Assert.Equal(2, code);
        Assert.Contains("runs that Python code", err);
        Assert.Contains("--allow-env os:system", err);
        Assert.False(Directory.Exists(dir.Sub("run")));

        // Allowed, it still is not called: os:system is not an environment (checked in Python before the call).
        var (allowedCode, _, allowedErr) = Rl("train", file, "--out", dir.Sub("run"), "--allow-env", "os:system");
        Assert.NotEqual(0, allowedCode);
        Assert.Contains("not an environment", allowedErr);
        Assert.False(File.Exists(marker), "os.system ran");
    }

    [Fact]
    public async Task ALearnerDropsAWorkerThatSendsMalformedResultsAndStillGetsTheLocalResult()
    {
        const int iterations = 4;
        var config = ArsCartPole();
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var log = new ConcurrentQueue<string>();
        var cluster = await ClusterRollouts.StartAsync(membership, TestCredential.Value, new DistributedRolloutOptions { MinWorkers = 2 }, log.Enqueue);
        var resolver = ClusterRollouts.Resolver(new WorkerPermissions());
        await using var honest = await RolloutSilo.StartWorkerAsync(membership, TestCredential.Value, new WorkerHostOptions(1, resolver, _ => { }));
        await using var faulty = await RolloutSilo.StartWorkerAsync(membership, TestCredential.Value, new WorkerHostOptions(1, resolver, _ => { })
        {
            // Inflated returns from impossibly long episodes: what a hostile member would send to steer the update.
            Tamper = r => new ChunkResult
            {
                Status = r.Status, Returns = [.. r.Returns.Select(x => x + 1000)], Lengths = [.. r.Lengths.Select(l => l + 1000)], StatisticsCount = r.StatisticsCount,
                StatisticsMean = r.StatisticsMean, StatisticsSquaredDeviations = r.StatisticsSquaredDeviations, JobId = r.JobId, Version = r.Version, EnvSeed = r.EnvSeed,
            },
        });
        float[] distributed;
        try
        {
            // The bound is CartPole-v1's time limit (500 steps), which the learner takes from the environment's registration.
            using var algorithm = (Ars)TrainingSession.Build(config, rollouts: cluster.Create);
            for (int i = 0; i < iterations; i++) algorithm.RunIteration();
            distributed = algorithm.Theta.ToArray();
        }
        finally
        {
            await cluster.DisposeAsync();
        }
        Assert.Contains(log, l => l.Contains("sent a malformed result", StringComparison.Ordinal) && l.Contains("beyond the time limit 500", StringComparison.Ordinal));
        Assert.Equal(LocalTheta(config, iterations), distributed);
    }

    [Theory]
    [InlineData("ok", null)]
    [InlineData("nan", "not finite")]
    [InlineData("huge", "beyond the job's bound")]
    [InlineData("long", "beyond the time limit 500")]
    [InlineData("zero-length", "below 1")]
    [InlineData("short", "returns for 4 episodes")]
    [InlineData("seeds", "reset seeds")]
    [InlineData("version", "version")]
    [InlineData("stats-size", "wrong size")]
    [InlineData("stats-negative", "squared deviation")]
    [InlineData("stats-count", "observation count")]
    public void ChunkValidationNamesWhatIsWrong(string fault, string? expected)
    {
        var request = new ChunkRequest { JobId = "j", Version = 3, Centre = [0, 0], Sigma = [-1, -1], Scale = [1, -1], NoiseOffset = [5, 5], EnvSeed = [11, 12], CollectStatistics = true };
        double[] returns = [10, 20, 30, 40];
        int[] lengths = [10, 20, 30, 40];
        long[] counts = [32, 72];
        double[] means = [0.1, 0.2, 0.3, 0.4], deviations = [1, 2, 3, 4];
        string job = "j";
        long version = 3;
        int[] seeds = [11, 12];
        switch (fault)
        {
            case "nan": returns[2] = double.NaN; break;
            case "huge": returns[1] = 1e9; break;
            case "long": lengths[3] = 501; break;
            case "zero-length": lengths[0] = 0; break;
            case "short": returns = [1, 2, 3]; break;
            case "seeds": seeds = [11, 13]; break;
            case "version": version = 2; break;
            case "stats-size": means = [0.1]; break;
            case "stats-negative": deviations[1] = -1; break;
            case "stats-count": counts[0] = 1000; break;
        }
        var result = new ChunkResult
        {
            Status = ChunkStatus.Done, Returns = returns, Lengths = lengths, StatisticsCount = counts, StatisticsMean = means,
            StatisticsSquaredDeviations = deviations, JobId = job, Version = version, EnvSeed = seeds,
        };
        string? problem = ChunkValidation.Problem(request, result, 2, 2, new ResultBounds(500, 1e6));
        if (expected is null) Assert.Null(problem);
        else Assert.Contains(expected, problem);
    }

    /// <summary>The TCP endpoints the processes listen on (from /proc/net/tcp and tcp6, matched through their socket inodes).</summary>
    private static List<IPEndPoint> Listening(IEnumerable<int> pids)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (int pid in pids)
            foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
                }
                catch (IOException)
                {
                    // closed while we looked
                }
            }
        var endpoints = new List<IPEndPoint>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f[3] != "0A" || !inodes.Contains(f[9])) continue; // 0A: LISTEN
                var (hex, port) = (f[1].Split(':')[0], int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                var bytes = Convert.FromHexString(hex);
                // /proc prints each 32-bit word in host (little-endian) order.
                for (int w = 0; w < bytes.Length; w += 4) Array.Reverse(bytes, w, 4);
                endpoints.Add(new IPEndPoint(new IPAddress(bytes), port));
            }
        return endpoints;
    }
}
