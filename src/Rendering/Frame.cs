using Rl.Core.Rendering;

namespace Rl.Rendering;

/// <summary>The colour layout of rendered pixels.</summary>
public enum ColorMode
{
    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb,
    /// <summary>
    /// One byte per pixel: luminance with the weights of Gymnasium's <c>GrayscaleObservation</c> (0.2125 R + 0.7154 G +
    /// 0.0721 B), rounded. Rendered directly in gray: exactly the conversion of the RGB frame for opaque shapes; where
    /// translucent shapes blend, one level off at most.
    /// </summary>
    Grayscale,
}

/// <summary>Helpers for <see cref="ColorMode"/>.</summary>
public static class ColorModes
{
    /// <summary>Bytes per pixel: 3 for RGB, 1 for grayscale.</summary>
    public static int Channels(this ColorMode mode) => mode == ColorMode.Grayscale ? 1 : 3;
}

/// <summary>
/// An image as Gymnasium's <c>rgb_array</c> returns it: height x width x channels bytes, rows from the top, channels
/// interleaved (RGB, or one grayscale channel).
/// </summary>
public sealed class Frame
{
    /// <summary>Wraps pixel data.</summary>
    /// <exception cref="ArgumentException">If the data length is not height x width x channels or channels is not 1, 3 or 4.</exception>
    public Frame(int width, int height, int channels, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3 or 4)) throw new ArgumentException($"a frame has 1, 3 or 4 channels, not {channels}", nameof(channels));
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"a {height}x{width}x{channels} frame needs {width * height * channels} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes per pixel.</summary>
    public int Channels { get; }

    /// <summary>The pixels, H x W x C, rows from the top.</summary>
    public byte[] Pixels { get; }

    /// <summary>The shape as NumPy would give it: (height, width, channels).</summary>
    public int[] Shape => [Height, Width, Channels];

    /// <summary>Channel <paramref name="c"/> of the pixel in column <paramref name="x"/>, row <paramref name="y"/> (from the top).</summary>
    public byte this[int x, int y, int c] => Pixels[(y * Width + x) * Channels + c];

    /// <summary>Writes the frame as a PNG file (8-bit grayscale, RGB or RGBA), creating the folder if needed.</summary>
    public void SavePng(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var fs = File.Create(path);
        WritePng(fs);
    }

    /// <summary>Writes the frame as PNG to a stream.</summary>
    public void WritePng(Stream stream) => Png.Write(stream, Pixels, Width, Height, Channels);
}
