using System.Globalization;
using System.Text;

namespace Rl.Training;

/// <summary>
/// A CSV file with one row per iteration (<c>metrics.csv</c>, <c>timing.csv</c>). Columns are the fixed ones followed by
/// every other key in order of first appearance; when a new key appears the file is rewritten with the wider header (older
/// rows get empty cells), otherwise rows are appended. Values are invariant-culture numbers in round-trip form.
/// </summary>
public sealed class CsvLog
{
    private readonly List<string> _columns;
    private readonly List<Dictionary<string, string>> _rows = [];

    private readonly RunFileSystem _fs;

    /// <summary>
    /// Opens <paramref name="path"/>, loading the rows already in it (a resumed run continues the file). A last line without
    /// its newline (a write cut short) and lines whose cell count differs from the header's are left out.
    /// </summary>
    public CsvLog(string path, IReadOnlyList<string> fixedColumns, RunFileSystem? fileSystem = null)
    {
        Path = path;
        _fs = fileSystem ?? RunFileSystem.Default;
        _columns = [.. fixedColumns];
        if (!File.Exists(path)) return;
        var (header, rows, _) = Parse(File.ReadAllText(path));
        if (header is null) return;
        foreach (var c in header.Where(c => !_columns.Contains(c))) _columns.Add(c);
        _rows.AddRange(rows.Select(r => r.Row));
    }

    /// <summary>
    /// Parses CSV text as this class writes it. Returns the header (null when the text is empty), the well-formed rows with
    /// their 1-based line numbers, and a description of each malformed line (wrong cell count, or a last line cut short).
    /// </summary>
    public static (string[]? Header, List<(int Line, Dictionary<string, string> Row)> Rows, List<string> Problems) Parse(string text)
    {
        var rows = new List<(int, Dictionary<string, string>)>();
        var problems = new List<string>();
        var lines = text.Split('\n');
        bool complete = text.EndsWith('\n');
        // Split leaves an empty last element after a final newline; without one the last line was cut short.
        int count = complete ? lines.Length - 1 : lines.Length;
        if (count == 0 || lines[0].Length == 0) return (null, rows, problems);
        if (!complete && count == 1) return (null, rows, ["the header line is cut short"]);
        var header = lines[0].Split(',');
        for (int i = 1; i < count; i++)
        {
            string line = lines[i];
            if (line.Length == 0) continue;
            if (i == count - 1 && !complete)
            {
                problems.Add($"line {i + 1} is cut short (no newline)");
                continue;
            }
            var cells = line.Split(',');
            if (cells.Length != header.Length)
            {
                problems.Add($"line {i + 1} has {cells.Length} cells but the header has {header.Length}");
                continue;
            }
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
                if (cells[c].Length > 0) row[header[c]] = cells[c];
            rows.Add((i + 1, row));
        }
        return (header, rows, problems);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The rows (column → cell text; empty cells absent).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows => _rows;

    /// <summary>Drops the rows whose <paramref name="column"/> is above <paramref name="max"/> (rows after a checkpoint) and rewrites the file.</summary>
    public void KeepThrough(string column, long max)
    {
        _rows.RemoveAll(r => !r.TryGetValue(column, out var v) || !long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n > max);
        Rewrite();
    }

    /// <summary>
    /// Sets <paramref name="cells"/> in the last row (whose <paramref name="column"/> must be <paramref name="key"/>), or
    /// removes those columns' cells from it when <paramref name="cells"/> maps them to null, and rewrites the file.
    /// </summary>
    /// <exception cref="InvalidOperationException">If the last row is another one.</exception>
    public void AmendLast(string column, string key, IReadOnlyDictionary<string, string?> cells)
    {
        if (_rows.Count == 0 || !_rows[^1].TryGetValue(column, out var k) || k != key)
            throw new InvalidOperationException($"{Path}: the last row is not {column} {key}");
        var row = _rows[^1];
        _rows.RemoveAt(_rows.Count - 1);
        foreach (var (c, v) in cells)
        {
            if (v is null) row.Remove(c);
            else row[c] = v;
        }
        Append(row, rewrite: true);
    }

    /// <summary>Appends a row; new keys widen the header.</summary>
    public void Append(IReadOnlyDictionary<string, string> row) => Append(row, rewrite: false);

    private void Append(IReadOnlyDictionary<string, string> row, bool rewrite)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        bool widened = false;
        foreach (var (k, v) in row)
        {
            string key = Clean(k);
            copy[key] = Clean(v);
            if (!_columns.Contains(key))
            {
                _columns.Add(key);
                widened = true;
            }
        }
        _rows.Add(copy);
        if (rewrite || widened || !File.Exists(Path)) Rewrite();
        else _fs.AppendAllText(Path, Line(copy));
    }

    /// <summary>A number as a cell: round-trip text, invariant culture.</summary>
    public static string Cell(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An integer as a cell.</summary>
    public static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Clean(string s) => s.Replace(',', ';').Replace('\n', ' ').Replace('\r', ' ').Replace('"', '\'');

    private string Line(Dictionary<string, string> row) =>
        string.Join(',', _columns.Select(c => row.TryGetValue(c, out var v) ? v : "")) + "\n";

    private void Rewrite()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', _columns)).Append('\n');
        foreach (var r in _rows) sb.Append(Line(r));
        _fs.WriteAllTextAtomic(Path, sb.ToString());
    }
}
