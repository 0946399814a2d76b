using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Wrappers;
using Rl.Environments;
using Rl.Experiments.Cli;
using Tomlyn.Model;

namespace Rl.Experiments.Training;

/// <summary>
/// A complete, validated experiment: which algorithm on which environment, the seed, the runner's settings and the
/// algorithm's hyperparameters. Read from a TOML file of this shape (keys snake_case):
/// <code>
/// algo = "ars"              # an id of AlgorithmRegistry (rl algos)
/// env = "CartPole-v1"       # an environment id (rl envs)
/// seed = 0                  # optional; a random seed is drawn (and recorded) when absent
/// [run]                     # RunConfig: budget, evaluation, checkpoints, device, ...
/// total_steps = 100000
/// [config]                  # the algorithm's config record (rl algos lists the keys)
/// step_size = 0.02
/// env_assemblies = ["MyEnvs.dll"]  # optional: your own environments' assemblies (relative to this file; rl train --help)
/// [env_kwargs]              # keyword options for Make (rl envs --kwargs)
/// sutton_barto_reward = false
/// [eval_env_kwargs]         # optional: options that replace env_kwargs' for evaluation environments only
/// track_seeds = "any"
/// [wrappers]                # pixel-game wrappers (GameWrapperOptions): frame_skip, noop_max, sticky_actions, frame_stack
/// frame_stack = 4
/// </code>
/// A <c>[versions]</c> table (written into resolved configs) is informational and ignored.
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>The top-level keys a config file may have.</summary>
    public static readonly IReadOnlyList<string> TopLevelKeys = ["algo", "env", "seed", "env_assemblies", "run", "config", "env_kwargs", "eval_env_kwargs", "wrappers", "versions"];

    /// <summary>The algorithm id.</summary>
    public required string Algo { get; init; }

    /// <summary>The environment id.</summary>
    public required string Env { get; init; }

    /// <summary>The master seed: every random source of the run derives from it.</summary>
    public required long Seed { get; init; }

    /// <summary>The runner's settings.</summary>
    public required RunConfig Run { get; init; }

    /// <summary>The algorithm's config record (an instance of <see cref="AlgorithmInfo.ConfigType"/>).</summary>
    public required object Config { get; init; }

    /// <summary>Keyword options for the environment's factory.</summary>
    public required OptionSet EnvKwargs { get; init; }

    /// <summary>
    /// Keyword options that replace or add to <see cref="EnvKwargs"/> in evaluation environments only (<c>[eval_env_kwargs]</c>,
    /// as RL Zoo's <c>--eval-env-kwargs</c>): the runner's evaluations, <c>rl eval</c> and evaluation videos. Empty by default:
    /// evaluation runs on the training environment. E.g. Kart-v0 trained with <c>track_seeds = "0:1000000"</c> and evaluated
    /// with <c>track_seeds = "any"</c>, so that <c>rl eval --seed 1000000</c> races on the held-out tracks 1,000,000 and up.
    /// </summary>
    public OptionSet EvalEnvKwargs { get; init; } = OptionSet.Empty;

    /// <summary>The keyword options of an evaluation environment: <see cref="EnvKwargs"/> with <see cref="EvalEnvKwargs"/> over them.</summary>
    public OptionSet EvaluationKwargs => EvalEnvKwargs.Count == 0
        ? EnvKwargs
        : new OptionSet(EnvKwargs.Where(p => !EvalEnvKwargs.ContainsKey(p.Key)).Concat(EvalEnvKwargs));

    /// <summary>Full paths of the user's environment assemblies the config names (<c>env_assemblies</c>; empty: none).</summary>
    public IReadOnlyList<string> EnvAssemblies { get; init; } = [];

    /// <summary>The pixel-game wrappers applied outside the environment's time limit (<c>[wrappers]</c>; all off by default).</summary>
    public GameWrapperOptions Wrappers { get; init; } = new();

    /// <summary>The registered algorithm.</summary>
    public AlgorithmInfo Algorithm => AlgorithmRegistry.Get(Algo);

    /// <summary>
    /// Parses and validates a config document, after applying <c>--set key=value</c> overrides and the command line's
    /// seed and device. Nothing is built or run; every problem found is reported at once.
    /// </summary>
    /// <param name="text">The TOML document.</param>
    /// <param name="source">Its file or resource name, for messages.</param>
    /// <param name="overrides"><c>key=value</c> items with dotted keys: <c>seed=3</c>, <c>run.total_steps=1000</c>, <c>config.step_size=0.02</c>.</param>
    /// <param name="seed">Replaces the document's seed (<c>--seed</c>).</param>
    /// <param name="device">Replaces <c>run.device</c> (<c>--device</c>).</param>
    /// <exception cref="ConfigException">Listing every problem, with the valid keys for unknown ones.</exception>
    /// <param name="oldKeys">
    /// How old (deprecated) config key names are announced: <see cref="OldKeyNotices.EachKey"/> prints one line per key naming
    /// its new key (a resolved config.toml of an earlier version, read without overrides, gets the summary instead);
    /// <see cref="OldKeyNotices.Summary"/> one line for all (a config stored by an older version).
    /// </param>
    /// <param name="noticeTo">Where the notices go; null: standard error.</param>
    public static ExperimentConfig Parse(string text, string source, IReadOnlyList<string>? overrides = null, long? seed = null, string? device = null,
        OldKeyNotices oldKeys = OldKeyNotices.EachKey, TextWriter? noticeTo = null)
    {
        BuiltInAlgorithms.EnsureRegistered();
        PixelEnvironments.EnsureRegistered();
        var doc = TomlText.Parse(text, source);
        var errors = new List<string>();
        var notices = new List<string>();
        ApplyOverrides(doc, overrides ?? [], errors, notices);
        if (seed is long s) doc["seed"] = s;
        if (device is not null) SubTable(doc, "run", "--device")["device"] = device;

        foreach (var key in doc.Keys.Where(k => !TopLevelKeys.Contains(k)))
            errors.Add($"unknown top-level key '{key}'; valid keys: {string.Join(", ", TopLevelKeys)}");

        string? algo = RequiredString(doc, "algo", errors);
        string? env = RequiredString(doc, "env", errors);
        AlgorithmInfo? info = null;
        if (algo is not null)
        {
            info = AlgorithmRegistry.All.FirstOrDefault(a => a.Id == algo);
            if (info is null)
            {
                var ids = AlgorithmRegistry.All.Select(a => a.Id).ToList();
                errors.Add($"unknown algorithm '{algo}'; registered: {(ids.Count == 0 ? "(none)" : string.Join(", ", ids))}");
            }
        }
        List<string> assemblyPaths = [];
        if (doc.TryGetValue("env_assemblies", out var rawAssemblies))
        {
            if (rawAssemblies is TomlArray paths && paths.All(p => p is string { Length: > 0 })) assemblyPaths = [.. paths.Cast<string>()];
            else errors.Add($"'env_assemblies' = {TomlText.Value(rawAssemblies)} must be an array of assembly paths (strings)");
        }
        var assemblies = UserEnvironments.LoadFromConfig(assemblyPaths, source, errors);
        if (env is not null && !env.Contains(':') && !Envs.Registry.Contains(env))
            errors.Add($"unknown environment '{env}'; registered: {string.Join(", ", Envs.List().Select(e => e.Id))}" +
                       (assemblyPaths.Count > 0 && !UserEnvironments.ConfigMayLoad ? UserEnvironments.WorkerHint : ""));

        long seedValue = 0;
        if (!doc.TryGetValue("seed", out var rawSeed)) seedValue = Rng.FromEntropy().NextSeed();
        else if (rawSeed is long l) seedValue = l;
        else errors.Add($"'seed' = {TomlText.Value(rawSeed)} has the wrong type: expected int");

        var run = (RunConfig)ConfigBinder.Bind(typeof(RunConfig), Table(doc, "run", errors), "run", errors);
        object? config = info is null ? null : ConfigBinder.Bind(info.ConfigType, Table(doc, "config", errors), "config", errors);
        var wrappers = (GameWrapperOptions)ConfigBinder.Bind(typeof(GameWrapperOptions), Table(doc, "wrappers", errors), "wrappers", errors);
        var kwargs = Kwargs(doc, "env_kwargs", errors);
        var evalKwargs = Kwargs(doc, "eval_env_kwargs", errors);
        Table(doc, "versions", errors);

        if (errors.Count > 0)
            throw new ConfigException($"{source}: invalid configuration:\n  - {string.Join("\n  - ", errors)}");
        // A resolved config written by an earlier version lists every key: one line says so instead of one per old key.
        if (oldKeys == OldKeyNotices.EachKey && text.StartsWith(ResolvedHeader, StringComparison.Ordinal) && (overrides ?? []).Count == 0)
            oldKeys = OldKeyNotices.Summary;
        if (notices.Count > 0 && oldKeys == OldKeyNotices.EachKey)
            foreach (var n in notices) (noticeTo ?? Console.Error).WriteLine($"note: {source}: {n}");
        else if (notices.Count > 0 && oldKeys == OldKeyNotices.Summary)
            (noticeTo ?? Console.Error).WriteLine($"note: {source} uses {notices.Count} old config key name(s) of an earlier version " +
                                    "(read as the [config.network], [config.optimizer] and [config.schedule] keys)");
        return new ExperimentConfig
        {
            Algo = algo!, Env = env!, Seed = seedValue, Run = run, Config = config!, EnvKwargs = new OptionSet(kwargs), Wrappers = wrappers,
            EvalEnvKwargs = evalKwargs.Count == 0 ? OptionSet.Empty : new OptionSet(evalKwargs),
            EnvAssemblies = assemblies, OldKeys = notices,
        };
    }

    /// <summary>
    /// Applies the <c>--set</c> items to the document. The algorithm's old config key names are first moved to their new keys
    /// in the document (conflicts and notices reported), then each <c>--set config.OLD=v</c> is read as <c>config.NEW=v</c>,
    /// so it overrides the document's new key; an old and a new name of one key both given by <c>--set</c> is an error.
    /// </summary>
    private static void ApplyOverrides(TomlTable doc, IReadOnlyList<string> overrides, List<string> errors, List<string> notices)
    {
        string? algo = doc.TryGetValue("algo", out var a) ? a as string : null;
        foreach (var item in overrides)
        {
            int eq = item.IndexOf('=');
            if (eq > 0 && item[..eq].Trim() == "algo" && TomlText.ParseValue(item[(eq + 1)..].Trim()) is string named) algo = named;
        }
        var info = algo is null ? null : AlgorithmRegistry.All.FirstOrDefault(x => x.Id == algo);
        var aliases = info is not null && ConfigBinder.CreateDefault(info.ConfigType) is IConfigAliases c ? c.Aliases : null;
        if (aliases is not null && doc.TryGetValue("config", out var raw) && raw is TomlTable table)
            doc["config"] = ConfigBinder.NormalizeAliases(table, aliases, "config", errors, notices);
        var given = new Dictionary<string, string>(StringComparer.Ordinal); // new key -> key as given
        foreach (var item in overrides)
        {
            int eq = item.IndexOf('=');
            string applied = item;
            if (eq > 0 && aliases is not null)
            {
                string key = item[..eq].Trim();
                const string Config = "config.";
                string? target = key.StartsWith(Config, StringComparison.Ordinal) ? ConfigBinder.AliasTarget(aliases, key[Config.Length..]) : null;
                string resolved = target is null ? key : Config + target;
                if (target is not null)
                {
                    notices.Add("--set " + ConfigBinder.AliasNotice("config", key[Config.Length..], target));
                    applied = resolved + item[eq..];
                }
                if (given.TryGetValue(resolved, out var earlier) && earlier != key)
                    errors.Add($"--set {earlier} and --set {key} are the same setting: give only --set {resolved}");
                given[resolved] = key;
            }
            ApplyOverride(doc, applied);
        }
    }

    /// <summary>The old (deprecated) config key names this config was read with, one notice each (empty: none).</summary>
    public IReadOnlyList<string> OldKeys { get; init; } = [];

    /// <summary>Applies one <c>key=value</c> override to a parsed document (sub-tables are created as needed).</summary>
    /// <exception cref="ConfigException">If the item is malformed or its key runs through a non-table value.</exception>
    public static void ApplyOverride(TomlTable doc, string item)
    {
        int eq = item.IndexOf('=');
        if (eq <= 0) throw new ConfigException($"--set '{item}' is not of the form key=value (e.g. run.total_steps=10000)");
        string key = item[..eq].Trim();
        var parts = key.Split('.');
        if (parts.Any(p => p.Length == 0)) throw new ConfigException($"--set '{item}': key '{key}' is malformed");
        var table = doc;
        for (int i = 0; i < parts.Length - 1; i++) table = SubTable(table, parts[i], $"--set {key}");
        table[parts[^1]] = TomlText.ParseValue(item[(eq + 1)..].Trim());
    }

    private static TomlTable SubTable(TomlTable parent, string name, string context)
    {
        if (!parent.TryGetValue(name, out var v))
        {
            var t = new TomlTable();
            parent[name] = t;
            return t;
        }
        return v as TomlTable ?? throw new ConfigException($"{context}: '{name}' is a value, not a table");
    }

    private static TomlTable? Table(TomlTable doc, string key, List<string> errors)
    {
        if (!doc.TryGetValue(key, out var v)) return null;
        if (v is TomlTable t) return t;
        errors.Add($"'{key}' must be a table ([{key}])");
        return null;
    }

    // The keyword options of table `key` ([env_kwargs], [eval_env_kwargs]): numbers, bools and strings only.
    private static List<KeyValuePair<string, object>> Kwargs(TomlTable doc, string key, List<string> errors)
    {
        var kwargs = new List<KeyValuePair<string, object>>();
        if (Table(doc, key, errors) is { } kw)
        {
            foreach (var (k, v) in kw)
            {
                if (v is long or double or bool or string) kwargs.Add(KeyValuePair.Create(k, v));
                else errors.Add($"'{key}.{k}' = {TomlText.Value(v)} must be a number, bool or string");
            }
        }
        return kwargs;
    }

    private static string? RequiredString(TomlTable doc, string key, List<string> errors)
    {
        if (!doc.TryGetValue(key, out var v))
        {
            errors.Add($"missing '{key}' (a string)");
            return null;
        }
        if (v is string s && s.Length > 0) return s;
        errors.Add($"'{key}' = {TomlText.Value(v)} must be a non-empty string");
        return null;
    }

    /// <summary>The environment as the algorithm gets it: registered defaults, <c>[env_kwargs]</c> and the run's time limit.</summary>
    public IEnv MakeEnv() => Make(EnvKwargs);

    /// <summary>
    /// An evaluation environment: as <see cref="MakeEnv"/> with <see cref="EvalEnvKwargs"/> over <c>[env_kwargs]</c> (the
    /// same environment when there are none).
    /// </summary>
    public IEnv MakeEvalEnv() => Make(EvaluationKwargs);

    private IEnv Make(OptionSet kwargs)
    {
        var env = Envs.Make(Env, new MakeOptions { Kwargs = kwargs, MaxEpisodeSteps = Run.MaxEpisodeSteps });
        if (!Wrappers.Any) return env;
        try
        {
            return GameWrappers.Apply(env, Wrappers);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The reward threshold in force: <c>run.reward_threshold</c>, else the environment's registered one; for a namespaced
    /// id (<c>gym:CartPole-v1</c>) the one its instances carry (Gymnasium's <c>spec.reward_threshold</c>, sent by the worker),
    /// read once from one instance.
    /// </summary>
    public double? RewardThreshold =>
        Run.RewardThreshold ?? (Envs.Registry.Contains(Env) ? Envs.Registry.GetSpec(Env).RewardThreshold
            : Env.Contains(':') ? InstanceThresholds.GetOrAdd(Env + " " + string.Join(",", EnvKwargs.Select(p => $"{p.Key}={p.Value}")), _ =>
            {
                using var env = MakeEnv();
                return env.Spec?.RewardThreshold;
            }) : null);

    // Per id and keyword options: making a Python environment starts a worker, so it is asked once per process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, double?> InstanceThresholds = new(StringComparer.Ordinal);

    /// <summary>
    /// Builds the environment once (and the evaluation environment when <c>[eval_env_kwargs]</c> is given), so bad options
    /// are reported before anything runs.
    /// </summary>
    /// <exception cref="ConfigException">Naming the table, the environment and the option.</exception>
    public void CheckEnvironment()
    {
        Check("env_kwargs", MakeEnv);
        if (EvalEnvKwargs.Count > 0) Check("eval_env_kwargs", MakeEvalEnv);

        void Check(string table, Func<IEnv> make)
        {
            try
            {
                using var env = make();
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ConfigException($"{table} for '{Env}': {e.Message}", e);
            }
        }
    }

    // The first words of a resolved config (config.toml of a run, the config stored in a checkpoint).
    private const string ResolvedHeader = "# Resolved configuration of a run";

    /// <summary>The resolved document: every key with its value (defaults included), the seed, and the versions that ran it.</summary>
    public string ToToml(bool withVersions = true)
    {
        var sb = new StringBuilder();
        sb.Append(ResolvedHeader).Append(" (all keys, defaults included). Rerun it with: rl train <this file>\n");
        sb.Append("algo = ").Append(TomlText.Value(Algo)).Append('\n');
        sb.Append("env = ").Append(TomlText.Value(Env)).Append('\n');
        sb.Append("seed = ").Append(TomlText.Value(Seed)).Append('\n');
        if (EnvAssemblies.Count > 0) sb.Append("env_assemblies = ").Append(TomlText.Value(EnvAssemblies)).Append('\n');
        sb.Append('\n');
        TomlText.AppendTable(sb, "run", Run);
        sb.Append('\n');
        TomlText.AppendTable(sb, "config", Config);
        sb.Append('\n');
        TomlText.AppendTable(sb, "wrappers", Wrappers);
        sb.Append("\n[env_kwargs]\n");
        foreach (var (k, v) in EnvKwargs.OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append(TomlText.Key(k)).Append(" = ").Append(TomlText.Value(v)).Append('\n');
        if (EvalEnvKwargs.Count > 0)
        {
            sb.Append("\n[eval_env_kwargs]\n");
            foreach (var (k, v) in EvalEnvKwargs.OrderBy(p => p.Key, StringComparer.Ordinal))
                sb.Append(TomlText.Key(k)).Append(" = ").Append(TomlText.Value(v)).Append('\n');
        }
        if (withVersions)
        {
            sb.Append("\n[versions]\n");
            foreach (var (k, v) in Versions()) sb.Append(k).Append(" = ").Append(TomlText.Value(v)).Append('\n');
        }
        return sb.ToString();
    }

    // Read from the file unless TorchSharp is already loaded: a gradient-free run must not load it just to record its version.
    private static string TorchSharpVersion(Func<Assembly, string> info)
    {
        if (AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "TorchSharp") is { } loaded) return info(loaded);
        string file = Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll");
        return File.Exists(file) ? System.Diagnostics.FileVersionInfo.GetVersionInfo(file).ProductVersion ?? "?" : "?";
    }

    private static IReadOnlyList<(string Key, string Value)>? _versions;

    /// <summary>The versions of the toolkit, the runtime and TorchSharp, for the record (read once per process: a run writes
    /// them into config.toml and into every checkpoint).</summary>
    public static IReadOnlyList<(string Key, string Value)> Versions()
    {
        static string Info(Assembly a) =>
            a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "?";
        return _versions ??=
        [
            // From the file's version resource: reading the assembly's attributes would load the assemblies of all its
            // attributes (Orleans' code-generation markers among them).
            ("rl", System.Diagnostics.FileVersionInfo.GetVersionInfo(typeof(ExperimentConfig).Assembly.Location).ProductVersion ?? "?"),
            ("dotnet", Environment.Version.ToString()),
            ("torchsharp", TorchSharpVersion(Info)),
            ("os", RuntimeInformation.OSDescription),
        ];
    }
}

/// <summary>The configs shipped in <c>experiments/configs/</c>, embedded in the runner so they work from any folder.</summary>
public static class ShippedConfigs
{
    private const string Prefix = "configs/";

    /// <summary>Every shipped config: file name and text.</summary>
    public static IReadOnlyList<(string Name, string Text)> All()
    {
        var asm = typeof(ShippedConfigs).Assembly;
        return asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".toml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var s = asm.GetManifestResourceStream(n)!;
                using var r = new StreamReader(s, Encoding.UTF8);
                return (n[Prefix.Length..], r.ReadToEnd());
            })
            .ToList();
    }

    /// <summary>The shipped config whose file name is <paramref name="name"/> (with or without a folder), or null.</summary>
    public static (string Name, string Text)? Find(string name)
    {
        string file = Path.GetFileName(name);
        return All().Where(c => c.Name == file).Select(c => ((string, string)?)c).FirstOrDefault();
    }

    /// <summary>The shipped config for <paramref name="algo"/> on <paramref name="env"/>, or null.</summary>
    public static (string Name, string Text)? For(string algo, string env)
    {
        foreach (var c in All())
        {
            TomlTable doc;
            try
            {
                doc = TomlText.Parse(c.Text, c.Name);
            }
            catch (ConfigException)
            {
                continue; // reported when that config itself is used (and by the shipped-config test)
            }
            if (doc.TryGetValue("algo", out var a) && Equals(a, algo) && doc.TryGetValue("env", out var e) && Equals(e, env)) return c;
        }
        // gym:CartPole-v1 trains with the settings shipped for the native CartPole-v1, on the Python environment.
        int colon = env.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && For(algo, env[(colon + 1)..]) is var (name, text))
            return (name, System.Text.RegularExpressions.Regex.Replace(text, @"^env\s*=.*$", "env = " + TomlText.Value(env),
                System.Text.RegularExpressions.RegexOptions.Multiline));
        return null;
    }
}

/// <summary>How <see cref="ExperimentConfig.Parse"/> announces old (deprecated) config key names on standard error.</summary>
public enum OldKeyNotices
{
    /// <summary>One line per old key, naming its new key.</summary>
    EachKey,

    /// <summary>One line for all of them (a config stored by an earlier version, e.g. in a checkpoint).</summary>
    Summary,

    /// <summary>Nothing printed (they are still in <see cref="ExperimentConfig.OldKeys"/>).</summary>
    Silent,
}
