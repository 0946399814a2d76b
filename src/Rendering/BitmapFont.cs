namespace Rl.Rendering;

/// <summary>
/// A built-in 5 x 7 pixel font for HUD text (no font files or libraries needed): digits, upper-case letters (lower case is
/// drawn upper-case) and common punctuation; other characters draw as a hollow box. The glyphs sit in one RGBA texture: white,
/// with the glyph mask as alpha, so text takes its colour from the vertices.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5, GlyphHeight = 7;
    /// <summary>Horizontal advance per character in glyph pixels (one column of spacing).</summary>
    public const int Advance = 6;
    private const int Cell = 8, Columns = 16, FirstChar = 32, CharCount = 96;
    public const int TextureWidth = Cell * Columns, TextureHeight = Cell * (CharCount / Columns);

    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        [' '] = ["     ", "     ", "     ", "     ", "     ", "     ", "     "],
        ['0'] = [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
        ['1'] = ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        ['2'] = [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
        ['3'] = ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
        ['4'] = ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
        ['5'] = ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
        ['6'] = ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
        ['7'] = ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
        ['8'] = [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
        ['9'] = [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
        ['A'] = [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
        ['B'] = ["#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "],
        ['C'] = [" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "],
        ['D'] = ["###  ", "#  # ", "#   #", "#   #", "#   #", "#  # ", "###  "],
        ['E'] = ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
        ['F'] = ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "],
        ['G'] = [" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"],
        ['H'] = ["#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
        ['I'] = [" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        ['J'] = ["  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
        ['K'] = ["#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"],
        ['L'] = ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
        ['M'] = ["#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"],
        ['N'] = ["#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #"],
        ['O'] = [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
        ['P'] = ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
        ['Q'] = [" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"],
        ['R'] = ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
        ['S'] = [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
        ['T'] = ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
        ['U'] = ["#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
        ['V'] = ["#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "],
        ['W'] = ["#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # "],
        ['X'] = ["#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"],
        ['Y'] = ["#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "],
        ['Z'] = ["#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"],
        ['.'] = ["     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "],
        [','] = ["     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   "],
        [':'] = ["     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "],
        [';'] = ["     ", " ##  ", " ##  ", "     ", " ##  ", "  #  ", " #   "],
        ['!'] = ["  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "     ", "  #  "],
        ['?'] = [" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "],
        ['-'] = ["     ", "     ", "     ", "#####", "     ", "     ", "     "],
        ['+'] = ["     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     "],
        ['='] = ["     ", "     ", "#####", "     ", "#####", "     ", "     "],
        ['/'] = ["     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     "],
        ['('] = ["   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "],
        [')'] = [" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "],
        ['['] = [" ### ", " #   ", " #   ", " #   ", " #   ", " #   ", " ### "],
        [']'] = [" ### ", "   # ", "   # ", "   # ", "   # ", "   # ", " ### "],
        ['%'] = ["##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"],
        ['*'] = ["     ", "  #  ", "# # #", " ### ", "# # #", "  #  ", "     "],
        ['_'] = ["     ", "     ", "     ", "     ", "     ", "     ", "#####"],
        ['\''] = ["  #  ", "  #  ", " #   ", "     ", "     ", "     ", "     "],
        ['"'] = [" # # ", " # # ", "     ", "     ", "     ", "     ", "     "],
        ['<'] = ["   # ", "  #  ", " #   ", "#    ", " #   ", "  #  ", "   # "],
        ['>'] = [" #   ", "  #  ", "   # ", "    #", "   # ", "  #  ", " #   "],
        ['#'] = [" # # ", " # # ", "#####", " # # ", "#####", " # # ", " # # "],
        ['|'] = ["  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
        ['x'] = ["     ", "     ", "#   #", " # # ", "  #  ", " # # ", "#   #"],
    };

    private static readonly string[] Unknown = ["#####", "#   #", "#   #", "#   #", "#   #", "#   #", "#####"];

    /// <summary>The font texture: RGBA, white with the glyph mask as alpha; rows from the top.</summary>
    public static byte[] BuildTexture()
    {
        var rgba = new byte[TextureWidth * TextureHeight * 4];
        for (int c = 0; c < CharCount; c++)
        {
            var rows = GlyphRows((char)(FirstChar + c));
            int x0 = c % Columns * Cell, y0 = c / Columns * Cell;
            for (int y = 0; y < GlyphHeight; y++)
                for (int x = 0; x < GlyphWidth; x++)
                    if (rows[y][x] == '#') Set(rgba, x0 + x, y0 + y, 255);
                    else Set(rgba, x0 + x, y0 + y, 0);
        }
        return rgba;
    }

    /// <summary>The texture rectangle (u0, v0, u1, v1) of the glyph for <paramref name="ch"/>; v grows downwards (rows from the top).</summary>
    public static (float U0, float V0, float U1, float V1) GlyphRect(char ch)
    {
        int c = Index(ch);
        int x0 = c % Columns * Cell, y0 = c / Columns * Cell;
        return (x0 / (float)TextureWidth, y0 / (float)TextureHeight, (x0 + GlyphWidth) / (float)TextureWidth, (y0 + GlyphHeight) / (float)TextureHeight);
    }

    private static int Index(char ch)
    {
        if (ch is >= 'a' and <= 'z' && ch != 'x') ch = char.ToUpperInvariant(ch);
        int c = ch - FirstChar;
        return c is >= 0 and < CharCount && Glyphs.ContainsKey(ch) ? c : CharCount - 1; // 127 (DEL) slot holds the box
    }

    private static string[] GlyphRows(char ch) => Glyphs.TryGetValue(ch, out var g) ? g : Unknown;

    private static void Set(byte[] rgba, int x, int y, byte alpha)
    {
        int i = (y * TextureWidth + x) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 255;
        rgba[i + 3] = alpha;
    }
}
