using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Spaces;
using Rl.Core.Wrappers;
using Rl.Rendering.MuJoCo;

namespace Rl.Rendering;

/// <summary>How <see cref="PixelObservation{TInnerObs, TAct}"/> renders its observations.</summary>
public sealed record PixelObservationOptions
{
    /// <summary>Frame width in pixels. Default 64.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Frame height in pixels. Default 64.</summary>
    public int Height { get; init; } = 64;

    /// <summary>One luminance channel instead of RGB (see <see cref="ColorMode.Grayscale"/>). Default false.</summary>
    public bool Grayscale { get; init; }

    /// <summary>The colour layout that <see cref="Grayscale"/> selects.</summary>
    public ColorMode Mode => Grayscale ? ColorMode.Grayscale : ColorMode.Rgb;

    /// <summary>Bytes per pixel: 1 or 3.</summary>
    public int Channels => Mode.Channels();

    /// <summary>Checks the sizes.</summary>
    /// <exception cref="ArgumentException">Naming the option when a size is out of range.</exception>
    public void Validate(string context)
    {
        if (Width is < 1 or > 8192) throw new ArgumentException($"{context}: width = {Width} must be in [1, 8192]");
        if (Height is < 1 or > 8192) throw new ArgumentException($"{context}: height = {Height} must be in [1, 8192]");
    }
}

/// <summary>
/// Turns any renderable environment into a POMDP whose observations are images: H x W x C uint8 (C = 3 for RGB, 1 for
/// grayscale), rendered headless from what the environment describes after every reset and step (Gymnasium's
/// <c>AddRenderObservation(render_only=True)</c> plus resizing). The hidden state stays inside; a single frame hides
/// velocities, so stack frames (FrameStack) for Markov inputs. Rendering runs on the calling thread's
/// <see cref="HeadlessRenderer.ForCurrentThread"/>, so wrapped environments can be stepped from worker threads.
/// </summary>
/// <typeparam name="TInnerObs">The wrapped environment's observation type (discarded).</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class PixelObservation<TInnerObs, TAct> : Wrapper<byte[], TAct, TInnerObs, TAct>, ISpecHolder, IEnv
{
    private readonly Box<byte> _space;
    private readonly IRenderable _source;
    private readonly Scene _scene = new();
    private TInnerObs? _innerObservation;
    private EnvSpec? _spec;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentException">If the environment cannot render or a size is invalid.</exception>
    public PixelObservation(IEnv<TInnerObs, TAct> inner, PixelObservationOptions? options = null) : base(inner)
    {
        Options = options ?? new PixelObservationOptions();
        Options.Validate($"PixelObservation({inner.Name})");
        _source = SceneSources.Require(inner, Options.Width, Options.Height);
        _space = new Box<byte>(0, 255, Options.Height, Options.Width, Options.Channels);
    }

    /// <summary>The rendering options.</summary>
    public PixelObservationOptions Options { get; }

    /// <inheritdoc />
    public override Space<byte[]> ObservationSpace => _space;

    /// <inheritdoc />
    public override Space<TAct> ActionSpace => Inner.ActionSpace;

    /// <summary>The registry entry this environment was made from (the pixel id when registered as one), else the inner one.</summary>
    public new EnvSpec? Spec => _spec ?? Inner.Spec;

    EnvSpec? IEnv.Spec => Spec;

    EnvSpec? ISpecHolder.Spec
    {
        get => _spec;
        set => _spec = value;
    }

    /// <inheritdoc />
    public override string Name => _spec?.Id ?? Inner.Name;

    /// <inheritdoc />
    public override ResetResult<byte[]> Reset(int? seed = null, OptionSet? options = null, byte[]? into = default)
    {
        var r = Inner.Reset(seed, options, _innerObservation);
        _innerObservation = r.Observation;
        return new ResetResult<byte[]>(RenderInto(into), r.Info);
    }

    /// <inheritdoc />
    public override StepResult<byte[]> Step(TAct action, byte[]? into = default)
    {
        // The inner observation is never exposed, so its buffer is reused (no allocation for array observations).
        var r = Inner.Step(action, _innerObservation);
        _innerObservation = r.Observation;
        return new StepResult<byte[]>(RenderInto(into), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    private byte[] RenderInto(byte[]? into)
    {
        var pixels = into ?? new byte[_space.Size];
        if (pixels.Length != _space.Size)
            throw new ArgumentException($"{Name}: the observation buffer has {pixels.Length} bytes but {_space} needs {_space.Size}", nameof(into));
        if (_source is MuJoCoScene mujoco)
        {
            // Straight from MuJoCo's renderer at the observation size: no second pass through a scene.
            MuJoCoRenderer.ForCurrentThread.Render(mujoco.Source, Options.Width, Options.Height, Options.Mode, pixels);
            return pixels;
        }
        _source.DescribeScene(_scene);
        HeadlessRenderer.ForCurrentThread.Render(_scene, Options.Width, Options.Height, Options.Mode, pixels);
        return pixels;
    }
}

/// <summary>
/// Renders the current frames of many environments in one pass (one atlas, one readback), for vector environments with
/// pixel observations: frame <c>i</c> of <see cref="Render(Span{byte})"/>'s output is environment <c>i</c>'s picture, H x W x C.
/// Call it right after the environments step, on one thread.
/// </summary>
public sealed class BatchPixelRenderer
{
    private readonly IRenderable[] _sources;
    private readonly Scene[] _scenes;
    private byte[] _all = [];

    /// <summary>Prepares to render <paramref name="sources"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">If the list is empty or a size is invalid.</exception>
    public BatchPixelRenderer(IReadOnlyList<IRenderable> sources, PixelObservationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("BatchPixelRenderer needs at least one renderable", nameof(sources));
        Options = options ?? new PixelObservationOptions();
        Options.Validate("BatchPixelRenderer");
        _sources = sources.ToArray();
        _scenes = _sources.Select(_ => new Scene()).ToArray();
    }

    /// <summary>Prepares to render the environments' pictures (found through their wrapper chains).</summary>
    /// <exception cref="ArgumentException">Naming an environment that cannot render.</exception>
    public static BatchPixelRenderer ForEnvs(IEnumerable<IEnv> envs, PixelObservationOptions? options = null) =>
        new(envs.Select(e => SceneSources.Require(e, options?.Width, options?.Height)).ToList(), options);

    /// <summary>The rendering options.</summary>
    public PixelObservationOptions Options { get; }

    /// <summary>The number of frames per call.</summary>
    public int Count => _sources.Length;

    /// <summary>Bytes of one frame: H x W x C.</summary>
    public int FrameBytes => Options.Width * Options.Height * Options.Channels;

    /// <summary>The observation space of one frame.</summary>
    public Box<byte> FrameSpace => new(0, 255, Options.Height, Options.Width, Options.Channels);

    /// <summary>Renders every source's current picture into <paramref name="destination"/> (<see cref="Count"/> x <see cref="FrameBytes"/> bytes).</summary>
    public void Render(Span<byte> destination)
    {
        for (int i = 0; i < _sources.Length; i++) _sources[i].DescribeScene(_scenes[i]);
        HeadlessRenderer.ForCurrentThread.RenderBatch(_scenes, Options.Width, Options.Height, Options.Mode, destination);
    }

    /// <summary>Renders every source's picture into its own array (e.g. a vector environment's observation buffers).</summary>
    /// <exception cref="ArgumentException">If the number or size of the arrays is wrong.</exception>
    public void Render(IReadOnlyList<byte[]> destinations)
    {
        if (destinations.Count != Count) throw new ArgumentException($"{Count} frames need {Count} arrays, got {destinations.Count}", nameof(destinations));
        if (_all.Length != Count * FrameBytes) _all = new byte[Count * FrameBytes];
        var all = _all;
        Render(all);
        for (int i = 0; i < Count; i++)
        {
            if (destinations[i].Length != FrameBytes)
                throw new ArgumentException($"array {i} has {destinations[i].Length} bytes but a frame needs {FrameBytes}", nameof(destinations));
            all.AsSpan(i * FrameBytes, FrameBytes).CopyTo(destinations[i]);
        }
    }
}
