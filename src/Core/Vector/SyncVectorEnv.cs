namespace Rl.Core.Vector;

/// <summary>
/// A vector environment that steps its sub-environments one after another on the calling thread (Gymnasium's
/// <c>SyncVectorEnv</c>). The simplest and, for cheap environments such as CartPole, often the fastest choice.
/// </summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
/// <typeparam name="TAct">The action type of one sub-environment.</typeparam>
public sealed class SyncVectorEnv<TObs, TAct> : VectorEnvBase<TObs, TAct>
{
    /// <summary>Builds one sub-environment per factory.</summary>
    /// <param name="envFactories">One factory per sub-environment.</param>
    /// <param name="autoresetMode">What happens to sub-environments whose episode ended (Gymnasium's default: next step).</param>
    /// <exception cref="ArgumentException">If there are no factories or the sub-environments' spaces differ.</exception>
    public SyncVectorEnv(IEnumerable<Func<IEnv<TObs, TAct>>> envFactories, AutoresetMode autoresetMode = AutoresetMode.NextStep)
        : base(envFactories, autoresetMode, onCallingThread: true) { }

    /// <inheritdoc />
    protected override void ForEachEnv(Action<int> work)
    {
        for (int i = 0; i < NumEnvs; i++) work(i);
    }
}
