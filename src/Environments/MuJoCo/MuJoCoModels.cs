namespace Rl.Environments.MuJoCo;

/// <summary>
/// The MJCF models shipped with the MuJoCo environments (written for this toolkit, not copied from Gymnasium), as embedded
/// resources. Read one to inspect it, change it, or load it with <see cref="MjModel.FromXmlString"/>.
/// </summary>
public static class MuJoCoModels
{
    private const string Prefix = "Rl.Environments.MuJoCo.Models.";

    /// <summary>The one-legged hopper (<c>Hopper-v1</c>).</summary>
    public const string Hopper = "hopper.xml";

    /// <summary>The two-legged walker (<c>Walker2d-v1</c>).</summary>
    public const string Walker2d = "walker2d.xml";

    /// <summary>The cheetah-like runner (<c>HalfCheetah-v1</c>).</summary>
    public const string HalfCheetah = "halfcheetah.xml";

    /// <summary>The three-segment swimmer (<c>Swimmer-v1</c>).</summary>
    public const string Swimmer = "swimmer.xml";

    /// <summary>The file names of the shipped models.</summary>
    public static IReadOnlyList<string> Names { get; } = [Hopper, Walker2d, HalfCheetah, Swimmer];

    /// <summary>The MJCF text of a shipped model.</summary>
    /// <param name="name">One of <see cref="Names"/>, e.g. <see cref="Hopper"/>.</param>
    /// <exception cref="ArgumentException">If there is no model of that name.</exception>
    public static string GetXml(string name)
    {
        using var stream = typeof(MuJoCoModels).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new ArgumentException($"no shipped MuJoCo model named '{name}'; models: {string.Join(", ", Names)}", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Compiles a shipped model.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <exception cref="ArgumentException">If there is no model of that name.</exception>
    public static MjModel Load(string name) => MjModel.FromXmlString(GetXml(name), $"shipped model {name}");
}
