using Rl.Core.Rendering;
using Silk.NET.OpenGL;

namespace Rl.Rendering;

/// <summary>
/// Draws <see cref="Scene"/>s with OpenGL 3.3 core into whatever framebuffer is bound: a flat-colour and a textured shader, one
/// vertex buffer, the built-in font texture and a texture per <see cref="Image"/> the scenes use.
/// Geometry is built on the CPU (<see cref="VertexBatch"/>) so that many scenes go to the GPU in one upload and, usually,
/// one draw call. Use it on the thread where its context is current.
/// </summary>
public sealed unsafe class SceneRenderer : IDisposable
{
    private const string VertexShader = """
        #version 330 core
        layout(location = 0) in vec2 aPos;
        layout(location = 1) in vec2 aUv;
        layout(location = 2) in vec4 aColor;
        out vec2 vUv;
        out vec4 vColor;
        void main() { gl_Position = vec4(aPos, 0.0, 1.0); vUv = aUv; vColor = aColor; }
        """;

    // With GRAY defined, the colour becomes Gymnasium's luminance in the same 16-bit fixed point as PixelConvert.Gray, so
    // opaque shapes come out exactly as converting the RGB frame would (translucent ones may differ by one level).
    private const string FragmentShader = """
        in vec2 vUv;
        in vec4 vColor;
        #ifdef TEXTURED
        uniform sampler2D uTex;
        #endif
        out vec4 fragColor;
        void main()
        {
        #ifdef TEXTURED
            vec4 c = vColor * texture(uTex, vUv);
        #else
            vec4 c = vColor;
        #endif
        #ifdef GRAY
            ivec3 v = ivec3(round(clamp(c.rgb, 0.0, 1.0) * 255.0));
            int g = (v.r * 13926 + v.g * 46884 + v.b * 4725 + 32768) >> 16;
            c = vec4(vec3(float(g) / 255.0), c.a);
        #endif
            fragColor = c;
        }
        """;

    private const int MaxCachedImages = 64;

    private readonly GL _gl;
    private readonly uint[] _programs = new uint[4]; // [textured * 2 + gray]
    private readonly uint _vao, _vbo, _fontTexture;
    private readonly Dictionary<Image, (uint Texture, int Version, long LastUsed)> _images = new(ReferenceEqualityComparer.Instance);
    private long _frame;
    private nuint _vboCapacity;
    private bool _disposed;

    /// <summary>Creates the GL objects in <paramref name="context"/> (made current on the calling thread).</summary>
    /// <exception cref="InvalidOperationException">If a shader fails to compile (an OpenGL 3.3 core driver is required).</exception>
    public SceneRenderer(IGlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        context.MakeCurrent();
        _gl = context.Gl;
        for (int i = 0; i < 4; i++)
            _programs[i] = LinkProgram((i >= 2 ? "#define TEXTURED\n" : "") + ((i & 1) != 0 ? "#define GRAY\n" : ""));
        _vao = _gl.GenVertexArray();
        _vbo = _gl.GenBuffer();
        _gl.BindVertexArray(_vao);
        _gl.BindBuffer(BufferTargetARB.ArrayBuffer, _vbo);
        uint stride = (uint)sizeof(Vertex);
        _gl.EnableVertexAttribArray(0);
        _gl.VertexAttribPointer(0, 2, VertexAttribPointerType.Float, false, stride, (void*)0);
        _gl.EnableVertexAttribArray(1);
        _gl.VertexAttribPointer(1, 2, VertexAttribPointerType.Float, false, stride, (void*)8);
        _gl.EnableVertexAttribArray(2);
        _gl.VertexAttribPointer(2, 4, VertexAttribPointerType.UnsignedByte, true, stride, (void*)16);
        _fontTexture = UploadTexture(0, BitmapFont.TextureWidth, BitmapFont.TextureHeight, BitmapFont.BuildTexture());
        foreach (uint textured in _programs.AsSpan(2))
        {
            _gl.UseProgram(textured);
            _gl.Uniform1(_gl.GetUniformLocation(textured, "uTex"), 0);
        }
        _gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
    }

    /// <summary>The context this renderer draws with.</summary>
    public IGlContext Context { get; }

    /// <summary>Reusable geometry for callers that draw one scene at a time.</summary>
    internal VertexBatch Batch { get; } = new();

    /// <summary>
    /// Draws one scene into the currently bound framebuffer, filling the rectangle from (0, 0) to (<paramref name="width"/>,
    /// <paramref name="height"/>) pixels (cleared to the scene's background first).
    /// </summary>
    public void Draw(Scene scene, int width, int height)
    {
        Batch.Begin(width, height);
        Batch.AddScene(scene, 0, 0, width, height, background: false);
        Batch.End();
        Clear(scene.Background, width, height);
        Draw(Batch, width, height);
    }

    /// <summary>
    /// Draws <paramref name="band"/> across the top <paramref name="bandHeight"/> pixels of the (<paramref name="width"/> x
    /// <paramref name="height"/>) target and <paramref name="scene"/> below it, so neither covers the other (a HUD beside the
    /// picture rather than over it).
    /// </summary>
    public void Draw(Scene scene, Scene band, int width, int height, int bandHeight)
    {
        ArgumentNullException.ThrowIfNull(band);
        bandHeight = Math.Clamp(bandHeight, 0, height - 1);
        Batch.Begin(width, height);
        Batch.AddScene(band, 0, height - bandHeight, width, bandHeight, background: true);
        Batch.AddScene(scene, 0, 0, width, height - bandHeight, background: true);
        Batch.End();
        Clear(scene.Background, width, height);
        Draw(Batch, width, height);
    }

    /// <summary>
    /// Clears the rectangle from (0, 0) to (<paramref name="width"/>, <paramref name="height"/>) of the bound framebuffer to
    /// an opaque colour (its luminance when <paramref name="gray"/>).
    /// </summary>
    internal void Clear(Color color, int width, int height, bool gray = false)
    {
        if (gray)
        {
            byte g = PixelConvert.Gray(color.R, color.G, color.B);
            color = new Color(g, g, g);
        }
        Context.MakeCurrent();
        // A clear ignores the viewport; the scissor keeps it to the rectangle when the framebuffer is larger.
        _gl.Enable(EnableCap.ScissorTest);
        _gl.Scissor(0, 0, (uint)width, (uint)height);
        _gl.ClearColor(color.R / 255f, color.G / 255f, color.B / 255f, 1f);
        _gl.Clear(ClearBufferMask.ColorBufferBit);
        _gl.Disable(EnableCap.ScissorTest);
    }

    /// <summary>
    /// Draws a prepared batch into the currently bound framebuffer of <paramref name="targetWidth"/> x
    /// <paramref name="targetHeight"/> pixels; with <paramref name="gray"/> every colour is written as its luminance.
    /// </summary>
    internal void Draw(VertexBatch batch, int targetWidth, int targetHeight, bool gray = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Context.MakeCurrent();
        _frame++;
        var gl = _gl;
        gl.Viewport(0, 0, (uint)targetWidth, (uint)targetHeight);
        gl.Disable(EnableCap.DepthTest);
        gl.Disable(EnableCap.CullFace);
        gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        gl.BindVertexArray(_vao);
        gl.BindBuffer(BufferTargetARB.ArrayBuffer, _vbo);
        var vertices = batch.Vertices;
        nuint bytes = (nuint)(vertices.Length * sizeof(Vertex));
        fixed (Vertex* p = vertices)
        {
            if (bytes > _vboCapacity)
            {
                _vboCapacity = Math.Max(bytes, _vboCapacity * 2);
                gl.BufferData(BufferTargetARB.ArrayBuffer, _vboCapacity, null, BufferUsageARB.StreamDraw);
            }
            gl.BufferSubData(BufferTargetARB.ArrayBuffer, 0, bytes, p);
        }
        gl.ActiveTexture(TextureUnit.Texture0);
        uint program = 0;
        bool? blend = null;
        var calls = batch.Calls;
        for (int c = 0; c < calls.Count; c++) // by index: a foreach over the interface would box the list's enumerator
        {
            var call = calls[c];
            if (call.Count == 0) continue;
            uint wanted = _programs[(call.Source == DrawSource.Solid ? 0 : 2) + (gray ? 1 : 0)];
            if (wanted != program) gl.UseProgram(program = wanted);
            if (blend != call.Blend)
            {
                if (call.Blend) gl.Enable(EnableCap.Blend);
                else gl.Disable(EnableCap.Blend);
                blend = call.Blend;
            }
            if (call.Source != DrawSource.Solid)
                gl.BindTexture(TextureTarget.Texture2D, call.Source == DrawSource.Font ? _fontTexture : ImageTexture(call.Image!));
            gl.DrawArrays(PrimitiveType.Triangles, call.First, (uint)call.Count);
        }
        EvictImages();
    }

    private uint ImageTexture(Image image)
    {
        if (_images.TryGetValue(image, out var entry))
        {
            if (entry.Version != image.Version) UploadTexture(entry.Texture, image.Width, image.Height, image.Rgba);
            _images[image] = (entry.Texture, image.Version, _frame);
            return entry.Texture;
        }
        uint texture = UploadTexture(0, image.Width, image.Height, image.Rgba);
        _images[image] = (texture, image.Version, _frame);
        return texture;
    }

    /// <summary>Keeps the texture cache bounded when scenes create images frame after frame.</summary>
    private void EvictImages()
    {
        if (_images.Count <= MaxCachedImages) return;
        foreach (var (image, entry) in _images.OrderBy(p => p.Value.LastUsed).Take(_images.Count - MaxCachedImages).ToList())
        {
            if (entry.LastUsed == _frame) break;
            _gl.DeleteTexture(entry.Texture);
            _images.Remove(image);
        }
    }

    private uint UploadTexture(uint texture, int width, int height, byte[] rgba)
    {
        if (rgba.Length < width * height * 4)
            throw new ArgumentException($"image data has {rgba.Length} bytes but {width}x{height} RGBA needs {width * height * 4}");
        if (texture == 0) texture = _gl.GenTexture();
        _gl.BindTexture(TextureTarget.Texture2D, texture);
        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        fixed (byte* p = rgba)
            _gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, (uint)width, (uint)height, 0, PixelFormat.Rgba, PixelType.UnsignedByte, p);
        // Nearest sampling keeps the bitmap font and pixel-art images crisp and the output exact.
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Nearest);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        return texture;
    }

    /// <summary>
    /// Reads pixels of the bound framebuffer's rectangle into <paramref name="pixels"/>, rows in OpenGL's order (bottom
    /// row first), as the red channel only (<paramref name="channels"/> = 1), RGB (3) or RGBA (4).
    /// </summary>
    public void Read(int x, int y, int width, int height, int channels, Span<byte> pixels)
    {
        if (channels is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (red), 3 (RGB) or 4 (RGBA)");
        if (pixels.Length < width * height * channels)
            throw new ArgumentException($"the buffer has {pixels.Length} bytes but {width}x{height}x{channels} needs {width * height * channels}", nameof(pixels));
        Context.MakeCurrent();
        fixed (byte* p = pixels)
            _gl.ReadPixels(x, y, (uint)width, (uint)height, channels switch { 1 => PixelFormat.Red, 3 => PixelFormat.Rgb, _ => PixelFormat.Rgba }, PixelType.UnsignedByte, p);
    }

    private uint LinkProgram(string defines)
    {
        uint vs = Compile(ShaderType.VertexShader, VertexShader);
        uint fs = Compile(ShaderType.FragmentShader, "#version 330 core\n" + defines + FragmentShader);
        uint program = _gl.CreateProgram();
        _gl.AttachShader(program, vs);
        _gl.AttachShader(program, fs);
        _gl.LinkProgram(program);
        _gl.GetProgram(program, ProgramPropertyARB.LinkStatus, out int ok);
        _gl.DeleteShader(vs);
        _gl.DeleteShader(fs);
        if (ok == 0) throw new InvalidOperationException($"OpenGL program link failed: {_gl.GetProgramInfoLog(program)} ({Context.Description})");
        return program;
    }

    private uint Compile(ShaderType type, string source)
    {
        uint shader = _gl.CreateShader(type);
        _gl.ShaderSource(shader, source);
        _gl.CompileShader(shader);
        _gl.GetShader(shader, ShaderParameterName.CompileStatus, out int ok);
        if (ok == 0) throw new InvalidOperationException($"OpenGL {type} failed to compile: {_gl.GetShaderInfoLog(shader)} ({Context.Description})");
        return shader;
    }

    /// <summary>Deletes the GL objects (the context must be current); the context itself belongs to the caller.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Context.MakeCurrent();
        foreach (var entry in _images.Values) _gl.DeleteTexture(entry.Texture);
        _images.Clear();
        _gl.DeleteTexture(_fontTexture);
        _gl.DeleteBuffer(_vbo);
        _gl.DeleteVertexArray(_vao);
        foreach (uint program in _programs) _gl.DeleteProgram(program);
    }
}
