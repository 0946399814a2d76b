using Rl.Core;

namespace Rl.Agents.Imitation;

/// <summary>
/// Image augmentation for imitation from pixels, applied to batches of H×W×C rows on the 0-255 scale before the network:
/// a random shift of up to ±<see cref="MaxShift"/> pixels per axis (edge pixels repeat, as in DrQ's pad-and-crop), a
/// brightness offset, a per-channel gain (colour jitter), and, with probability <see cref="MirrorProbability"/> when a
/// mirror is given, a left-right flip whose action label is mirrored too (a flipped road that bends left needs the
/// steering of the original that bends right). Randomness comes from the caller's <see cref="Rng"/>.
/// </summary>
public sealed class PixelAugmentation
{
    private readonly int _h, _w, _c;
    private readonly float[] _scratch;

    /// <summary>Creates the augmentation for H×W×C images.</summary>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="channels">Channels per pixel.</param>
    /// <param name="config">The augmentation settings.</param>
    /// <param name="mirrorAction">Mirrors an action row in place (null: no flips).</param>
    public PixelAugmentation(int height, int width, int channels, ImitationConfig config, Action<Span<float>>? mirrorAction)
    {
        ArgumentNullException.ThrowIfNull(config);
        (_h, _w, _c) = (height, width, channels);
        _scratch = new float[height * width * channels];
        MaxShift = config.AugmentShift;
        Brightness = config.AugmentBrightness;
        Color = config.AugmentColor;
        MirrorAction = mirrorAction;
        MirrorProbability = mirrorAction is null ? 0 : config.AugmentMirror;
    }

    /// <summary>Largest shift in pixels per axis.</summary>
    public int MaxShift { get; }

    /// <summary>Largest brightness offset, a fraction of 255.</summary>
    public double Brightness { get; }

    /// <summary>Largest per-channel gain change.</summary>
    public double Color { get; }

    /// <summary>Probability of a mirrored flip (0 without a mirror).</summary>
    public double MirrorProbability { get; }

    /// <summary>Mirrors an action row in place, or null.</summary>
    public Action<Span<float>>? MirrorAction { get; }

    /// <summary>Augments <paramref name="count"/> image rows and their action rows in place.</summary>
    public void Apply(Span<float> images, Span<float> actions, int count, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int size = _h * _w * _c, width = actions.Length / Math.Max(count, 1);
        Span<float> gain = stackalloc float[_c];
        for (int n = 0; n < count; n++)
        {
            var image = images.Slice(n * size, size);
            int dy = MaxShift == 0 ? 0 : rng.NextInt(-MaxShift, MaxShift + 1);
            int dx = MaxShift == 0 ? 0 : rng.NextInt(-MaxShift, MaxShift + 1);
            bool flip = MirrorProbability > 0 && rng.NextDouble() < MirrorProbability;
            float offset = (float)(rng.Uniform(-Brightness, Brightness) * 255);
            for (int c = 0; c < _c; c++) gain[c] = (float)rng.Uniform(1 - Color, 1 + Color);
            image.CopyTo(_scratch);
            for (int y = 0; y < _h; y++)
            {
                int sy = Math.Clamp(y - dy, 0, _h - 1);
                for (int x = 0; x < _w; x++)
                {
                    int sx = Math.Clamp((flip ? _w - 1 - x : x) - dx, 0, _w - 1);
                    int dst = (y * _w + x) * _c, src = (sy * _w + sx) * _c;
                    for (int c = 0; c < _c; c++) image[dst + c] = Math.Clamp(_scratch[src + c] * gain[c] + offset, 0f, 255f);
                }
            }
            if (flip) MirrorAction!(actions.Slice(n * width, width));
        }
    }
}
