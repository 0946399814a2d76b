using System.CommandLine;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;

namespace Rl.Experiments.Commands;

/// <summary><c>rl algos</c>: lists the registered algorithms with their config keys, defaults and descriptions.</summary>
public static class AlgosCommand
{
    /// <summary>The command: its argument, help and action.</summary>
    public static Command Create()
    {
        var algo = Opt.Optional("algo", "only this algorithm").AlgoIds();
        var command = new Command("algos",
            "List the algorithms with their [config] keys (type, default, range, description), the shared [run] keys and the shipped configs")
        {
            algo,
        };
        return command.Runs(r => Run(r.GetValue(algo)));
    }

    /// <summary>Prints the algorithms (or one), the [run] keys and the shipped configs.</summary>
    public static int Run(string? only)
    {
        BuiltInAlgorithms.EnsureRegistered();

        var o = Console.Out;
        var algorithms = only is null ? AlgorithmRegistry.All : [AlgorithmRegistry.Get(only)];
        if (algorithms.Count == 0) o.WriteLine("no algorithms are registered");
        foreach (var info in algorithms)
        {
            o.WriteLine($"{info.Id}: {info.Description}");
            WriteKeys(o, "config", ConfigBinder.Describe(info.ConfigType));
            o.WriteLine();
        }
        if (only is not null) return 0;
        o.WriteLine("run settings, for every algorithm:");
        WriteKeys(o, "run", ConfigBinder.Describe(typeof(RunConfig)));
        o.WriteLine();
        var shipped = ShippedConfigs.All();
        o.WriteLine(shipped.Count == 0 ? "shipped configs: none" : "shipped configs (rl train <name>):");
        foreach (var (name, _) in shipped) o.WriteLine($"  {name}");
        return 0;
    }

    private static void WriteKeys(TextWriter o, string table, IReadOnlyList<ConfigKey> keys)
    {
        if (keys.Count == 0)
        {
            o.WriteLine($"  [{table}] has no keys");
            return;
        }
        int kw = keys.Max(k => k.Key.Length), tw = keys.Max(k => k.Type.Length), dw = keys.Max(k => k.Default.Length);
        o.WriteLine($"  [{table}]");
        foreach (var k in keys)
        {
            string range = k.Range.Length > 0 ? $" (must be {k.Range})" : "";
            o.WriteLine($"    {k.Key.PadRight(kw)}  {k.Type.PadRight(tw)}  = {k.Default.PadRight(dw)}  {k.Description}{range}".TrimEnd());
        }
    }
}
