using Rl.Core;
using Rl.Core.Experts;
using Rl.Experiments.Cli;
using Rl.Rendering.Input;
using Rl.Rendering.Play;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>rl train ... --human</c>: makes the person at the keyboard the expert of an imitation algorithm (a
/// <see cref="HumanExpert"/> per environment the algorithm asks an expert for), and closes its window at the end.
/// </summary>
public sealed class HumanLabeller : IDisposable
{
    private readonly HumanExpertOptions _options;
    private readonly KeyScript? _script;
    private readonly List<HumanExpert> _experts = [];

    private HumanLabeller(HumanExpertOptions options, KeyScript? script)
    {
        _options = options;
        _script = script;
    }

    /// <summary>Reads the <c>--human-*</c> options.</summary>
    /// <exception cref="UsageException">If the fps is not positive or the key script cannot be read.</exception>
    public static HumanLabeller Create(double? fps, bool turnBased, string? scriptFile)
    {
        if (fps is double f && !(f >= 0 && double.IsFinite(f)))
            throw new UsageException($"rl train: --human-fps = {f} must be 0 (as fast as possible, as rl play --fps 0) or positive");
        try
        {
            var script = scriptFile is null ? null : KeyScript.Load(scriptFile);
            return new HumanLabeller(new HumanExpertOptions { Fps = fps, TurnBased = turnBased }, script);
        }
        catch (Exception e) when (e is FormatException or FileNotFoundException)
        {
            throw new UsageException($"rl train: --human-script: {e.Message}");
        }
    }

    /// <summary>The labels given by all the experts made so far.</summary>
    public long Labels => _experts.Sum(e => e.Labels);

    /// <summary>A human expert for <paramref name="env"/> (the <see cref="Agents.Training.TrainingContext.Expert"/> hook); prints its keys.</summary>
    /// <exception cref="UsageException">If the environment has no key map or cannot be drawn.</exception>
    public IExpert ExpertFor(IEnv env)
    {
        HumanExpert expert;
        try
        {
            expert = new HumanExpert(env, _options, viewer: null, keys: _script);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"rl train --human: {e.Message}");
        }
        _experts.Add(expert);
        Console.Out.WriteLine($"you are the expert for {env.Spec?.Id ?? env.Name}: the agent drives, your keys label every state it visits; keys:");
        foreach (var line in expert.HelpLines()) Console.Out.WriteLine($"  {line}");
        return expert;
    }

    /// <summary>Checks that the algorithm asked for an expert (it is an imitation algorithm).</summary>
    /// <exception cref="UsageException">Naming the algorithm when it did not.</exception>
    public void EnsureUsed(string algorithm)
    {
        if (_experts.Count == 0)
            throw new UsageException($"rl train: --human: algorithm '{algorithm}' takes no expert (use an imitation algorithm: dagger or bc)");
    }

    /// <summary>Closes the labelling windows.</summary>
    public void Dispose()
    {
        foreach (var e in _experts) e.Dispose();
        _experts.Clear();
    }
}
