namespace Rl.Core.Tests;

/// <summary>
/// Random mutations of valid files for the fuzz tests of untrusted input (demonstrations here; checkpoints and configs in
/// the tests that link this file): bit flips, bytes set, forged 32-bit lengths or offsets, truncation, insertion, deletion.
/// </summary>
internal static class Fuzz
{
    /// <summary>One to three random edits of <paramref name="valid"/>.</summary>
    public static byte[] Mutate(byte[] valid, Rng rng)
    {
        var b = valid.ToList();
        int edits = 1 + rng.NextInt(3);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = rng.NextInt(b.Count);
            switch (rng.NextInt(6))
            {
                case 0: b[at] ^= (byte)(1 << rng.NextInt(8)); break;
                case 1: b[at] = (byte)rng.NextInt(256); break;
                case 2: // a forged little-endian 32-bit length or offset
                    uint v = rng.NextInt(2) == 0 ? 0xFFFFFFF0u - (uint)rng.NextInt(64) : (uint)rng.NextInt(1 << 30);
                    for (int k = 0; k < 4 && at + k < b.Count; k++) b[at + k] = unchecked((byte)(v >> (8 * k)));
                    break;
                case 3: b.RemoveRange(at, b.Count - at); break;
                case 4: b.InsertRange(at, Enumerable.Range(0, 1 + rng.NextInt(16)).Select(_ => (byte)rng.NextInt(256))); break;
                default: b.RemoveRange(at, Math.Min(b.Count - at, 1 + rng.NextInt(32))); break;
            }
        }
        return [.. b];
    }

    /// <summary>
    /// Runs <paramref name="cases"/> mutations of <paramref name="valid"/> through <paramref name="load"/>; each must load or
    /// throw <typeparamref name="TError"/> (checked by <paramref name="checkError"/>) within 20 seconds. Returns how many were
    /// rejected.
    /// </summary>
    public static async Task<int> Run<TError>(byte[] valid, int cases, int seed, Action<byte[]> load, Action<TError> checkError) where TError : Exception
    {
        var rng = new Rng(seed);
        int rejected = 0;
        for (int i = 0; i < cases; i++)
        {
            var bytes = Mutate(valid, rng);
            var attempt = Task.Run(() =>
            {
                try
                {
                    load(bytes);
                    return (Exception?)null;
                }
                catch (Exception e)
                {
                    return e;
                }
            });
            Assert.True(await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromSeconds(20))) == attempt, $"case {i} hung");
            switch (await attempt)
            {
                case null: break;
                case TError e:
                    rejected++;
                    checkError(e);
                    break;
                case var other: Assert.Fail($"case {i}: {other!.GetType().Name} escaped instead of {typeof(TError).Name}: {other}"); break;
            }
        }
        return rejected;
    }
}
