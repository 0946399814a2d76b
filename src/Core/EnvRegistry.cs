using Rl.Core.Wrappers;

namespace Rl.Core;

/// <summary>How <see cref="EnvRegistry.Make"/> builds an environment beyond the registered defaults.</summary>
public sealed record MakeOptions
{
    /// <summary>Keyword options for the environment's constructor (unknown keys are rejected by the factory).</summary>
    public OptionSet Kwargs { get; init; } = OptionSet.Empty;

    /// <summary>Overrides the registered time limit (null keeps the spec's).</summary>
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>Skips the TimeLimit wrapper entirely.</summary>
    public bool DisableTimeLimit { get; init; }
}

/// <summary>Implemented by environments whose <see cref="IEnv.Spec"/> the registry sets after building them.</summary>
public interface ISpecHolder
{
    /// <summary>The spec the environment was made from.</summary>
    EnvSpec? Spec { get; set; }
}

/// <summary>
/// Maps versioned ids (<c>CartPole-v1</c>) to environment factories, as Gymnasium's registry does, and builds environments
/// with their default wrappers. Namespaced ids (<c>gym:Pendulum-v1</c>) go to a namespace's factory.
/// </summary>
public sealed class EnvRegistry
{
    private readonly Dictionary<string, EnvSpec> _specs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<string, MakeOptions, IEnv>> _namespaces = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The process-wide registry (the built-in environments register here).</summary>
    public static EnvRegistry Default { get; } = new();

    /// <summary>Registers a spec.</summary>
    /// <exception cref="ArgumentException">If the id is already registered.</exception>
    public void Register(EnvSpec spec)
    {
        EnvId.Parse(spec.Id);
        lock (_lock)
        {
            if (!_specs.TryAdd(spec.Id, spec))
                throw new ArgumentException($"environment id '{spec.Id}' is already registered", nameof(spec));
        }
    }

    /// <summary>Registers a factory for every id of the form <c>ns:...</c>.</summary>
    /// <exception cref="ArgumentException">If the namespace is already registered.</exception>
    public void RegisterNamespace(string ns, Func<string, MakeOptions, IEnv> factory)
    {
        lock (_lock)
        {
            if (!_namespaces.TryAdd(ns, factory))
                throw new ArgumentException($"environment namespace '{ns}' is already registered", nameof(ns));
        }
    }

    /// <summary>Whether <paramref name="id"/> is registered.</summary>
    public bool Contains(string id)
    {
        lock (_lock) return _specs.ContainsKey(id);
    }

    /// <summary>The registered namespaces (ids of the form <c>ns:...</c>), sorted.</summary>
    public IReadOnlyList<string> Namespaces
    {
        get
        {
            lock (_lock) return _namespaces.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>All registered specs, sorted by id.</summary>
    public IReadOnlyList<EnvSpec> Specs
    {
        get
        {
            lock (_lock) return _specs.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The spec of <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">Naming the id and the registered versions or ids.</exception>
    public EnvSpec GetSpec(string id)
    {
        lock (_lock)
        {
            if (_specs.TryGetValue(id, out var spec)) return spec;
            var parsed = EnvId.Parse(id);
            var versions = _specs.Keys.Where(k => EnvId.Parse(k).Name == parsed.Name).OrderBy(k => k).ToList();
            string hint = versions.Count > 0
                ? $"registered versions of {parsed.Name}: {string.Join(", ", versions)}"
                : $"registered environments: {string.Join(", ", _specs.Keys.OrderBy(k => k))}";
            throw new KeyNotFoundException($"environment '{id}' is not registered; {hint}");
        }
    }

    /// <summary>
    /// Builds the environment registered as <paramref name="id"/>, sets its spec, and applies the default wrappers
    /// (a TimeLimit when the spec or <paramref name="options"/> has a step limit).
    /// </summary>
    /// <exception cref="KeyNotFoundException">If the id is unknown.</exception>
    /// <exception cref="ArgumentException">If a keyword option is unknown or invalid.</exception>
    public IEnv Make(string id, MakeOptions? options = null)
    {
        options ??= new MakeOptions();
        var parsed = EnvId.Parse(id);
        if (parsed.Namespace is string ns)
        {
            Func<string, MakeOptions, IEnv>? factory;
            lock (_lock) _namespaces.TryGetValue(ns, out factory);
            if (factory is not null) return factory(id[(ns.Length + 1)..], options);
            if (!Contains(id))
                throw new KeyNotFoundException($"environment namespace '{ns}' is not registered (id '{id}')");
        }
        var spec = GetSpec(id);
        var env = spec.Factory(options.Kwargs);
        var carried = spec with { Kwargs = options.Kwargs, MaxEpisodeSteps = options.MaxEpisodeSteps ?? spec.MaxEpisodeSteps };
        if (env is ISpecHolder holder) holder.Spec = carried;
        int? limit = options.DisableTimeLimit ? null : carried.MaxEpisodeSteps;
        return limit is int steps ? WrapGeneric(typeof(TimeLimit<,>), env, steps) : env;
    }

    /// <summary>Builds <paramref name="id"/> and checks that it has the expected observation and action types.</summary>
    /// <exception cref="InvalidCastException">Naming the environment's actual types.</exception>
    public IEnv<TObs, TAct> Make<TObs, TAct>(string id, MakeOptions? options = null)
    {
        var env = Make(id, options);
        if (env is IEnv<TObs, TAct> typed) return typed;
        var (o, a) = TypeArguments(env);
        env.Dispose();
        throw new InvalidCastException(
            $"environment '{id}' has observations of type {o.Name} and actions of type {a.Name}, not {typeof(TObs).Name} and {typeof(TAct).Name}");
    }

    /// <summary>The observation and action types of an environment (from its <see cref="IEnv{TObs, TAct}"/> interface).</summary>
    /// <exception cref="ArgumentException">If the environment implements no typed interface.</exception>
    public static (Type Observation, Type Action) TypeArguments(IEnv env)
    {
        var iface = env.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnv<,>))
            ?? throw new ArgumentException($"{env.Name} does not implement IEnv<TObs, TAct>");
        var args = iface.GetGenericArguments();
        return (args[0], args[1]);
    }

    /// <summary>
    /// Wraps an untyped environment in a generic wrapper type whose first two type parameters are the observation and action
    /// types, e.g. <c>WrapGeneric(typeof(TimeLimit&lt;,&gt;), env, 500)</c>.
    /// </summary>
    public static IEnv WrapGeneric(Type openWrapperType, IEnv env, params object[] extraArgs)
    {
        var (o, a) = TypeArguments(env);
        var closed = openWrapperType.MakeGenericType(o, a);
        try
        {
            return (IEnv)Activator.CreateInstance(closed, [env, .. extraArgs])!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
