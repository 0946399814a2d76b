using System.Diagnostics;

namespace Rl.Agents.Training;

/// <summary>
/// Wall-clock time an agent spent in each phase of its iterations (environment steps, the policy's forward pass during
/// collection, advantages, minibatch gathering, the update), summed since creation or the last <see cref="Clear"/>. Only
/// benchmarks read it (<c>rl bench ppo</c> prints the breakdown); nothing the agent computes depends on it, and it is not
/// part of checkpoints or metrics.
/// </summary>
public sealed class PhaseTimes
{
    private readonly List<(string Name, long Ticks)> _phases = [];

    /// <summary>Starts timing a phase: <c>using (times.Measure("env")) { ... }</c>.</summary>
    public Scope Measure(string phase) => new(this, phase, Stopwatch.GetTimestamp());

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value) to <paramref name="phase"/>.</summary>
    public void Add(string phase, long startTimestamp)
    {
        long ticks = Stopwatch.GetTimestamp() - startTimestamp;
        for (int i = 0; i < _phases.Count; i++)
        {
            if (!string.Equals(_phases[i].Name, phase, StringComparison.Ordinal)) continue;
            _phases[i] = (phase, _phases[i].Ticks + ticks);
            return;
        }
        _phases.Add((phase, ticks));
    }

    /// <summary>Seconds per phase, in the order the phases were first measured.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Seconds =>
        _phases.Select(p => (p.Name, p.Ticks / (double)Stopwatch.Frequency)).ToList();

    /// <summary>Forgets every measurement.</summary>
    public void Clear() => _phases.Clear();

    /// <summary>A running measurement; disposing it adds the elapsed time to its phase.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly PhaseTimes _owner;
        private readonly string _phase;
        private readonly long _start;

        internal Scope(PhaseTimes owner, string phase, long start) => (_owner, _phase, _start) = (owner, phase, start);

        /// <summary>Adds the elapsed time to the phase.</summary>
        public void Dispose() => _owner?.Add(_phase, _start);
    }
}
