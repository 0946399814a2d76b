namespace Rl.Environments.MuJoCo;

/// <summary>
/// The MJCF models shipped with the MuJoCo environments (written for this toolkit, not copied from Gymnasium), as embedded
/// resources. The planar four (hopper, walker, cheetah, swimmer) are this toolkit's own bodies; the other six use the physical
/// figures of Gymnasium's models (MIT licence), and on MuJoCo 2.2.2 step bit for bit as Gymnasium's files do (docs/mujoco.md). Read one to inspect it, change it, or load it with <see cref="MjModel.FromXmlString"/>.
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

    /// <summary>The cart with a pole (<c>InvertedPendulum-v1</c>).</summary>
    public const string InvertedPendulum = "inverted_pendulum.xml";

    /// <summary>The cart with two poles (<c>InvertedDoublePendulum-v1</c>).</summary>
    public const string InvertedDoublePendulum = "inverted_double_pendulum.xml";

    /// <summary>The two-link arm and its target (<c>Reacher-v1</c>).</summary>
    public const string Reacher = "reacher.xml";

    /// <summary>The seven-joint arm, object and goal (<c>Pusher-v1</c>).</summary>
    public const string Pusher = "pusher.xml";

    /// <summary>The four-legged ant (<c>Ant-v1</c>).</summary>
    public const string Ant = "ant.xml";

    /// <summary>The humanoid (<c>Humanoid-v1</c>).</summary>
    public const string Humanoid = "humanoid.xml";

    /// <summary>The file names of the shipped models.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Hopper, Walker2d, HalfCheetah, Swimmer, InvertedPendulum, InvertedDoublePendulum, Reacher, Pusher, Ant, Humanoid];

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

    /// <summary>
    /// The model of an environment: the shipped <paramref name="modelName"/>, or what the <c>xml_file</c> option names. As in
    /// Gymnasium, <c>xml_file</c> is a path to an MJCF file (relative to the working directory), or the bare name of a shipped
    /// model (e.g. <c>hopper.xml</c>) when no such file exists. The file is checked before MuJoCo opens it, so a missing or
    /// unreadable file, or MuJoCo's parse error, is reported with the environment, the option and the full path.
    /// </summary>
    /// <exception cref="ArgumentException">If the path is empty, missing, a directory or unreadable.</exception>
    /// <exception cref="MuJoCoException">If MuJoCo rejects the file (its message, with the path).</exception>
    public static MjModel LoadForEnv(string envId, string modelName, string? xmlFile)
    {
        if (xmlFile is null) return MjModel.FromXmlString(GetXml(modelName), $"{envId} model ({modelName})");
        const string key = "xml_file";
        if (string.IsNullOrWhiteSpace(xmlFile)) throw new ArgumentException($"{envId}: option '{key}' is empty; give the path of an MJCF file");
        string full;
        try
        {
            full = Path.GetFullPath(xmlFile);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{envId}: option '{key}' = '{xmlFile}' is not a valid path ({e.Message})", e);
        }
        if (!File.Exists(full))
        {
            if (Names.Contains(xmlFile)) return MjModel.FromXmlString(GetXml(xmlFile), $"{envId} model ({xmlFile})");
            if (Directory.Exists(full)) throw new ArgumentException($"{envId}: option '{key}' = '{full}' is a directory, not an MJCF file");
            throw new ArgumentException($"{envId}: option '{key}' = '{full}': no such file (shipped models: {string.Join(", ", Names)})");
        }
        try
        {
            using var probe = File.OpenRead(full);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"{envId}: option '{key}' = '{full}' cannot be read ({e.Message})", e);
        }
        try
        {
            return MjModel.FromXmlFile(full);
        }
        catch (MuJoCoException e)
        {
            throw new MuJoCoException($"{envId}: option '{key}': {e.Message}", e);
        }
    }

    /// <summary>Compiles a shipped model.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <exception cref="ArgumentException">If there is no model of that name.</exception>
    public static MjModel Load(string name) => MjModel.FromXmlString(GetXml(name), $"shipped model {name}");
}
