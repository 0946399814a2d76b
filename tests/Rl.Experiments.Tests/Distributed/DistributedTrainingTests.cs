using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Rl.Agents.Training;
using Rl.Distributed;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests.Distributed;

/// <summary>A <c>rl worker</c> process on loopback, with its output lines collected.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];

    public WorkerProcess(int primaryPort, int threads = 1)
    {
        var (file, prefix) = Runner();
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in prefix.Concat(["worker", "--cluster", $"localhost:{primaryPort}", "--threads", threads.ToString(), "--verbose"]))
            info.ArgumentList.Add(arg);
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

    public void Kill() => _process.Kill(entireProcessTree: true);

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

/// <summary>
/// Distributed ARS on real worker processes over loopback (the learner runs in the test process): the same final parameters
/// as a local run with the same seed, with two workers, and with three when one of them is killed mid-run.
/// </summary>
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
        var (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--out", dir.Sub("cluster"), "--cluster", $"localhost:{port}", "--workers", "2", .. Settings]);
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
    public void AWorkerKilledMidRunLosesItsRolloutsToTheOthersAndTheResultStillMatches()
    {
        using var dir = new TempDir();
        int port = ClusterMembership.FreePort();
        using var a = new WorkerProcess(port);
        using var b = new WorkerProcess(port);
        using var victim = new WorkerProcess(port);
        // Kill the third worker as it starts a chunk of the third iteration: its call fails and the chunk goes elsewhere.
        bool killed = false;
        var killer = new Thread(() =>
        {
            killed = victim.WaitFor("chunk of version 3", TimeSpan.FromSeconds(120));
            if (killed) victim.Kill();
        });
        killer.Start();
        var (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--out", dir.Sub("cluster"), "--cluster", $"localhost:{port}", "--workers", "3", .. Settings]);
        Assert.True(code == 0, $"rl train --cluster exited with {code}: {err}\n{output}");
        killer.Join();
        Assert.True(killed, "the third worker never started a chunk of iteration 3: " + string.Join("\n", victim.Seen));
        // Either a call to it failed, or the membership protocol declared it dead first.
        Assert.True(err.Contains("failed", StringComparison.Ordinal) || err.Contains("left the cluster", StringComparison.Ordinal), "the learner did not notice the kill:\n" + err);

        var (_, local) = Local(dir);
        Assert.Equal(local, FinalTheta(dir.Sub("cluster")));
        Assert.True(FinalEval(dir.Sub("cluster")) >= 475, $"final evaluation {FinalEval(dir.Sub("cluster"))} < 475");
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
        var (code, _, err) = Rl("train", "reinforce", "CartPole-v1", "--cluster", $"localhost:{port}", "--out", Path.Combine(Path.GetTempPath(), $"rl-never-{port}"));
        Assert.Equal(2, code);
        Assert.Contains("gradient-free", err);
    }
}
