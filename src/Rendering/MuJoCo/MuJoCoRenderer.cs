using System.Runtime.InteropServices;
using Rl.Core.Rendering;

namespace Rl.Rendering.MuJoCo;

/// <summary>
/// Draws MuJoCo simulations with MuJoCo's own renderer, as Gymnasium does: <c>mjv_updateScene</c> turns the model and data
/// into a list of geoms and lights, <c>mjr_render</c> draws them (materials, textures, the headlight and the model's lights,
/// shadows, reflections) into MuJoCo's offscreen framebuffer, <c>mjr_readPixels</c> reads them back. It runs in a headless
/// compatibility-profile <see cref="EglContext"/> (Mesa's surfaceless EGL on machines without GPU), which the fixed-function
/// renderer needs. The camera is <c>mjCAMERA_TRACKING</c> on the environment's chosen body.
/// </summary>
/// <remarks>
/// A GL context is current on one thread at a time, so an instance is bound to the thread that created it;
/// <see cref="ForCurrentThread"/> gives every thread its own. MuJoCo's GPU-side copy of a model (<c>mjrContext</c>: meshes,
/// textures, the offscreen buffer) is made once per environment and kept for the few most recent environments of the thread.
/// </remarks>
public sealed unsafe class MuJoCoRenderer : IDisposable
{
    [ThreadStatic] private static MuJoCoRenderer? _perThread;

    /// <summary>How many environments' GPU models a thread keeps before freeing the least recently drawn.</summary>
    public const int CachedModels = 8;

    private readonly EglContext _context;
    private readonly int _ownerThread;
    private readonly byte* _camera, _option, _perturb;
    private readonly List<Slot> _slots = [];
    private byte[] _rgb = [];
    private bool _disposed;

    private sealed class Slot(WeakReference<IMuJoCoRenderable> owner, nint model, byte* scene, byte* context)
    {
        public WeakReference<IMuJoCoRenderable> Owner { get; } = owner;
        public nint Model { get; } = model;
        public byte* Scene { get; } = scene;
        public byte* Context { get; } = context;
    }

    /// <summary>Creates a compatibility-profile headless context bound to the calling thread.</summary>
    /// <exception cref="Native.RenderingUnavailableException">If libmujoco 2.2.2 or EGL is missing, or the driver has no compatibility profile.</exception>
    public MuJoCoRenderer()
    {
        MjrApi.EnsureLoaded();
        _context = EglContext.Create(GlProfile.Compatibility);
        _ownerThread = Environment.CurrentManagedThreadId;
        _camera = Alloc(MjrApi.CameraSize);
        _option = Alloc(MjrApi.OptionSize);
        _perturb = Alloc(MjrApi.PerturbSize);
        MjrApi.mjv_defaultCamera(_camera);
        MjrApi.mjv_defaultOption(_option);
        MjrApi.mjv_defaultPerturb(_perturb);
    }

    private static byte* Alloc(int size) => (byte*)NativeMemory.AllocZeroed((nuint)size);

    /// <summary>This thread's renderer, created at first use and kept for the thread's lifetime.</summary>
    /// <exception cref="Native.RenderingUnavailableException">If it cannot be created.</exception>
    public static MuJoCoRenderer ForCurrentThread => _perThread is { _disposed: false } r ? r : _perThread = new MuJoCoRenderer();

    /// <summary>What the context runs on (platform, renderer, OpenGL version).</summary>
    public string Description => _context.Description;

    /// <summary>Renders the current state of <paramref name="source"/> into a new RGB frame, at its native size unless one is given.</summary>
    public Frame Render(IMuJoCoRenderable source, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        int w = width ?? source.FrameWidth, h = height ?? source.FrameHeight;
        var pixels = new byte[w * h * 3];
        Render(source, w, h, ColorMode.Rgb, pixels);
        return new Frame(w, h, 3, pixels);
    }

    /// <summary>
    /// Renders the current state of <paramref name="source"/> into <paramref name="destination"/>: height x width x channels
    /// bytes, rows from the top (RGB, or Gymnasium's luminance for <see cref="ColorMode.Grayscale"/>).
    /// </summary>
    /// <exception cref="ArgumentException">If the size is not positive or the destination is too small.</exception>
    public void Render(IMuJoCoRenderable source, int width, int height, ColorMode mode, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        EnsureUsable();
        if (width <= 0 || height <= 0) throw new ArgumentException($"frame size {width}x{height} must be positive");
        int frameBytes = width * height * mode.Channels();
        if (destination.Length < frameBytes)
            throw new ArgumentException($"the destination has {destination.Length} bytes but a {height}x{width}x{mode.Channels()} frame needs {frameBytes}", nameof(destination));
        _context.MakeCurrent();
        var slot = SlotFor(source, width, height);

        var camera = source.Camera;
        *(int*)(_camera + MjrApi.CameraType) = camera.TrackBodyId >= 0 ? MjrApi.CameraTracking : MjrApi.CameraFree;
        *(int*)(_camera + MjrApi.CameraTrackBodyId) = camera.TrackBodyId;
        // The tracking camera moves its look-at point towards the body's centre of mass with a filter whose state is the
        // previous frame; starting each frame at the point the environment gives (the body's current centre of mass) makes a
        // frame depend on the current state only, as rgb_array must.
        var lookAt = (double*)(_camera + MjrApi.CameraLookAt);
        (lookAt[0], lookAt[1], lookAt[2]) = camera.LookAt;
        *(double*)(_camera + MjrApi.CameraDistance) = camera.Distance;
        *(double*)(_camera + MjrApi.CameraAzimuth) = camera.Azimuth;
        *(double*)(_camera + MjrApi.CameraElevation) = camera.Elevation;

        MjrApi.mjv_updateScene(source.ModelHandle, source.DataHandle, _option, _perturb, _camera, MjrApi.CategoryAll, slot.Scene);
        var viewport = new MjrRect(0, 0, width, height);
        MjrApi.mjr_setBuffer(MjrApi.FramebufferOffscreen, slot.Context);
        MjrApi.mjr_render(viewport, slot.Scene, slot.Context);
        int rgbBytes = width * height * 3;
        if (_rgb.Length < rgbBytes) _rgb = GC.AllocateUninitializedArray<byte>(rgbBytes, pinned: true);
        fixed (byte* rgb = _rgb) MjrApi.mjr_readPixels(rgb, null, viewport, slot.Context);
        PixelConvert.FromGl(_rgb.AsSpan(0, rgbBytes), width, height, 3, mode, destination[..frameBytes]);
    }

    /// <summary>The number of geoms and lights in the scene last built for <paramref name="source"/> (for tests and diagnostics).</summary>
    public (int Geoms, int Lights) SceneCounts(IMuJoCoRenderable source)
    {
        foreach (var s in _slots)
            if (s.Owner.TryGetTarget(out var o) && ReferenceEquals(o, source))
                return (*(int*)(s.Scene + MjrApi.SceneNGeom), *(int*)(s.Scene + MjrApi.SceneNLight));
        return (0, 0);
    }

    private Slot SlotFor(IMuJoCoRenderable source, int width, int height)
    {
        nint model = source.ModelHandle;
        for (int i = 0; i < _slots.Count; i++)
        {
            var s = _slots[i];
            if (!s.Owner.TryGetTarget(out var owner) || !ReferenceEquals(owner, source)) continue;
            if (s.Model == model && *(int*)(s.Context + MjrApi.ContextOffWidth) >= width && *(int*)(s.Context + MjrApi.ContextOffHeight) >= height)
            {
                if (i != 0)
                {
                    _slots.RemoveAt(i);
                    _slots.Insert(0, s);
                }
                return s;
            }
            Free(s);
            _slots.RemoveAt(i);
            break;
        }
        // Drop slots of environments that are gone, then the least recently used beyond the cache size.
        for (int i = _slots.Count - 1; i >= 0; i--)
        {
            if (_slots[i].Owner.TryGetTarget(out _)) continue;
            Free(_slots[i]);
            _slots.RemoveAt(i);
        }
        while (_slots.Count >= CachedModels)
        {
            Free(_slots[^1]);
            _slots.RemoveAt(_slots.Count - 1);
        }

        // mjr_makeContext sizes the offscreen buffer from the model's visual options; grow them to the frame asked for.
        var offWidth = (int*)((byte*)model + MjrApi.ModelOffWidth);
        var offHeight = (int*)((byte*)model + MjrApi.ModelOffHeight);
        *offWidth = Math.Max(*offWidth, width);
        *offHeight = Math.Max(*offHeight, height);
        byte* scene = Alloc(MjrApi.SceneSize);
        byte* context = Alloc(MjrApi.ContextSize);
        MjrApi.mjv_defaultScene(scene);
        MjrApi.mjv_makeScene(model, scene, MjrApi.MaxGeoms);
        MjrApi.mjr_defaultContext(context);
        MjrApi.mjr_makeContext(model, context, MjrApi.FontScale100);
        var slot = new Slot(new WeakReference<IMuJoCoRenderable>(source), model, scene, context);
        _slots.Insert(0, slot);
        return slot;
    }

    private static void Free(Slot s)
    {
        MjrApi.mjr_freeContext(s.Context);
        MjrApi.mjv_freeScene(s.Scene);
        NativeMemory.Free(s.Context);
        NativeMemory.Free(s.Scene);
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Environment.CurrentManagedThreadId != _ownerThread)
            throw new InvalidOperationException(
                $"this MuJoCoRenderer belongs to thread {_ownerThread} but was called from thread {Environment.CurrentManagedThreadId}; use MuJoCoRenderer.ForCurrentThread on each thread");
    }

    /// <summary>Frees MuJoCo's GPU models and the context (call on the owning thread).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Environment.CurrentManagedThreadId == _ownerThread)
        {
            _context.MakeCurrent();
            foreach (var s in _slots) Free(s);
        }
        _slots.Clear();
        NativeMemory.Free(_camera);
        NativeMemory.Free(_option);
        NativeMemory.Free(_perturb);
        _context.Dispose();
        if (ReferenceEquals(_perThread, this)) _perThread = null;
    }
}
