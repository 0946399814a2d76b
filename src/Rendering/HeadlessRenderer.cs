using Rl.Core.Rendering;
using Silk.NET.OpenGL;

namespace Rl.Rendering;

/// <summary>
/// Renders scenes to pixel arrays with no window: an <see cref="EglContext"/> (Mesa llvmpipe on machines without GPU) drawing
/// into a framebuffer object and reading the pixels back. <see cref="RenderBatch"/> draws many scenes in one pass, stacked
/// as tiles of one tall atlas, with a single upload, draw and readback: the per-frame overhead of a draw dominates small
/// frames, so this is how vector environments get pixel observations fast.
/// </summary>
/// <remarks>
/// A GL context is current on one thread at a time, so an instance is bound to the thread that created it.
/// <see cref="ForCurrentThread"/> gives every thread its own (wrappers use that, so environments stepped on pool threads
/// just work).
/// </remarks>
public sealed unsafe class HeadlessRenderer : IDisposable
{
    [ThreadStatic] private static HeadlessRenderer? _perThread;

    private readonly EglContext _context;
    private readonly SceneRenderer _renderer;
    private readonly int _ownerThread;
    private readonly int _maxSize;
    private readonly Scene _scene = new();
    private readonly Scene[] _one = new Scene[1];
    private uint _fbo, _colorBuffer;
    private int _fboWidth, _fboHeight;
    private byte[] _readback = [];
    private bool _disposed;

    /// <summary>Creates a headless context and renderer bound to the calling thread.</summary>
    /// <exception cref="Native.RenderingUnavailableException">If no EGL context can be made; the message says what to install.</exception>
    public HeadlessRenderer()
    {
        _context = EglContext.Create();
        try
        {
            _renderer = new SceneRenderer(_context);
        }
        catch
        {
            _context.Dispose();
            throw;
        }
        _ownerThread = Environment.CurrentManagedThreadId;
        var gl = _context.Gl;
        int maxRenderbuffer = gl.GetInteger(GetPName.MaxRenderbufferSize);
        Span<int> viewport = stackalloc int[2];
        gl.GetInteger(GetPName.MaxViewportDims, viewport);
        _maxSize = Math.Min(maxRenderbuffer, Math.Min(viewport[0], viewport[1]));
    }

    /// <summary>
    /// This thread's renderer, created at first use and kept for the thread's lifetime (pool threads keep theirs, so there is
    /// one context per worker thread, not per environment).
    /// </summary>
    /// <exception cref="Native.RenderingUnavailableException">If no EGL context can be made.</exception>
    public static HeadlessRenderer ForCurrentThread => _perThread is { _disposed: false } r ? r : _perThread = new HeadlessRenderer();

    /// <summary>What the context runs on (platform, renderer, OpenGL version).</summary>
    public string Description => _context.Description;

    /// <summary>The most frames of <paramref name="width"/> x <paramref name="height"/> one pass (one draw and readback) can hold.</summary>
    public int FramesPerPass(int width, int height) => Math.Max(1, _maxSize / height);

    /// <summary>Renders what <paramref name="renderable"/> describes, at its native size unless a size is given.</summary>
    public Frame Render(IRenderable renderable, int? width = null, int? height = null, ColorMode mode = ColorMode.Rgb)
    {
        ArgumentNullException.ThrowIfNull(renderable);
        renderable.DescribeScene(_scene);
        return Render(_scene, width, height, mode);
    }

    /// <summary>Renders a scene, at its native size unless a size is given, into a new frame.</summary>
    public Frame Render(Scene scene, int? width = null, int? height = null, ColorMode mode = ColorMode.Rgb)
    {
        ArgumentNullException.ThrowIfNull(scene);
        int w = width ?? scene.Width, h = height ?? scene.Height;
        var pixels = new byte[w * h * mode.Channels()];
        Render(scene, w, h, mode, pixels);
        return new Frame(w, h, mode.Channels(), pixels);
    }

    /// <summary>Renders a scene into <paramref name="destination"/> (height x width x channels bytes, rows from the top).</summary>
    public void Render(Scene scene, int width, int height, ColorMode mode, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(scene);
        _one[0] = scene;
        RenderBatch(_one, width, height, mode, destination);
    }

    /// <summary>
    /// Renders many scenes at once: frame <c>i</c> goes to <paramref name="destination"/>[i*H*W*C .. (i+1)*H*W*C], each
    /// H x W x C with rows from the top. Scenes are stacked as tiles of one atlas; as many as fit go into one pass (see
    /// <see cref="FramesPerPass"/>).
    /// </summary>
    /// <exception cref="ArgumentException">If the destination is too small or the frame size exceeds what the driver supports.</exception>
    public void RenderBatch(IReadOnlyList<Scene> scenes, int width, int height, ColorMode mode, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        EnsureUsable();
        if (width <= 0 || height <= 0 || width > _maxSize || height > _maxSize)
            throw new ArgumentException($"frame size {width}x{height} must be positive and at most {_maxSize} ({Description})");
        int channels = mode.Channels();
        int frameBytes = width * height * channels;
        if (destination.Length < scenes.Count * frameBytes)
            throw new ArgumentException($"the destination has {destination.Length} bytes but {scenes.Count} frames of {height}x{width}x{channels} need {scenes.Count * frameBytes}", nameof(destination));
        _context.MakeCurrent();
        int perPass = Math.Min(FramesPerPass(width, height), Math.Max(scenes.Count, 1));
        var batch = _renderer.Batch;
        for (int start = 0; start < scenes.Count; start += perPass)
        {
            int n = Math.Min(perPass, scenes.Count - start);
            int atlasHeight = n * height;
            EnsureFramebuffer(width, atlasHeight);
            batch.Begin(width, atlasHeight);
            // One clear when every scene has the same background (the usual case); otherwise each tile gets a background quad.
            var background = scenes[start].Background;
            bool shared = true;
            for (int i = 1; i < n && shared; i++) shared = scenes[start + i].Background.WithAlpha(255) == background.WithAlpha(255);
            for (int i = 0; i < n; i++) batch.AddScene(scenes[start + i], 0, i * height, width, height, background: !shared);
            batch.End();
            _context.Gl.BindFramebuffer(FramebufferTarget.Framebuffer, _fbo);
            // Grayscale is computed by the fragment shader and read back as one channel; RGB as RGB (Mesa's conversion
            // measured faster here than reading RGBA and converting per pixel). Either way only the rows need reordering.
            bool gray = mode == ColorMode.Grayscale;
            if (shared) _renderer.Clear(background, width, atlasHeight, gray);
            _renderer.Draw(batch, width, atlasHeight, gray);
            int readChannels = channels;
            int readBytes = width * atlasHeight * readChannels;
            if (_readback.Length < readBytes) _readback = GC.AllocateUninitializedArray<byte>(readBytes, pinned: true);
            _renderer.Read(0, 0, width, atlasHeight, readChannels, _readback);
            int tileBytes = width * height * readChannels;
            for (int i = 0; i < n; i++)
                PixelConvert.FromGl(_readback.AsSpan(i * tileBytes, tileBytes), width, height, readChannels, mode,
                    destination.Slice((start + i) * frameBytes, frameBytes));
        }
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Environment.CurrentManagedThreadId != _ownerThread)
            throw new InvalidOperationException(
                $"this HeadlessRenderer belongs to thread {_ownerThread} but was called from thread {Environment.CurrentManagedThreadId}; an OpenGL context is current on one thread at a time: use HeadlessRenderer.ForCurrentThread on each thread");
    }

    private void EnsureFramebuffer(int width, int height)
    {
        if (_fbo != 0 && width <= _fboWidth && height <= _fboHeight) return;
        var gl = _context.Gl;
        int w = Math.Max(width, _fboWidth), h = Math.Max(height, _fboHeight);
        if (_fbo == 0) _fbo = gl.GenFramebuffer();
        if (_colorBuffer != 0) gl.DeleteRenderbuffer(_colorBuffer);
        _colorBuffer = gl.GenRenderbuffer();
        gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _colorBuffer);
        gl.RenderbufferStorage(RenderbufferTarget.Renderbuffer, InternalFormat.Rgba8, (uint)w, (uint)h);
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, _fbo);
        gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, RenderbufferTarget.Renderbuffer, _colorBuffer);
        var status = gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
        if (status != GLEnum.FramebufferComplete)
            throw new InvalidOperationException($"framebuffer of {w}x{h} is incomplete ({status}) on {Description}");
        _fboWidth = w;
        _fboHeight = h;
    }

    /// <summary>Releases the framebuffer, renderer and context (call on the owning thread).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Environment.CurrentManagedThreadId == _ownerThread)
        {
            _context.MakeCurrent();
            var gl = _context.Gl;
            if (_colorBuffer != 0) gl.DeleteRenderbuffer(_colorBuffer);
            if (_fbo != 0) gl.DeleteFramebuffer(_fbo);
            _renderer.Dispose();
        }
        _context.Dispose();
        if (ReferenceEquals(_perThread, this)) _perThread = null;
    }
}

/// <summary>Converts OpenGL readbacks (RGBA, bottom row first) to frames (RGB or grayscale, top row first).</summary>
internal static unsafe class PixelConvert
{
    /// <summary>
    /// Converts one frame of <paramref name="width"/> x <paramref name="height"/> pixels read back with
    /// <paramref name="sourceChannels"/> (3: RGB, 4: RGBA) channels.
    /// </summary>
    public static void FromGl(ReadOnlySpan<byte> source, int width, int height, int sourceChannels, ColorMode mode, Span<byte> destination)
    {
        int channels = mode.Channels();
        if (sourceChannels == channels)
        {
            int stride = width * channels;
            for (int row = 0; row < height; row++)
                source.Slice((height - 1 - row) * stride, stride).CopyTo(destination.Slice(row * stride, stride));
            return;
        }
        if (sourceChannels is not (3 or 4)) throw new ArgumentException($"cannot convert {sourceChannels}-channel pixels to {mode}", nameof(sourceChannels));
        fixed (byte* src0 = source)
        fixed (byte* dst0 = destination)
        {
            for (int row = 0; row < height; row++)
            {
                byte* s = src0 + (height - 1 - row) * width * sourceChannels;
                byte* d = dst0 + row * width * channels;
                if (mode == ColorMode.Rgb)
                {
                    for (int x = 0; x < width; x++, s += sourceChannels, d += 3)
                    {
                        d[0] = s[0];
                        d[1] = s[1];
                        d[2] = s[2];
                    }
                }
                else
                {
                    for (int x = 0; x < width; x++, s += sourceChannels)
                        d[x] = Gray(s[0], s[1], s[2]);
                }
            }
        }
    }

    /// <summary>Gymnasium's grayscale weights 0.2125, 0.7154, 0.0721 in 16-bit fixed point (they sum to 65535), rounded.</summary>
    public static byte Gray(byte r, byte g, byte b) => (byte)((r * 13926 + g * 46884 + b * 4725 + 32768) >> 16);
}
