using System.Globalization;
using System.Text;

namespace Rl.Experiments.Training;

/// <summary>
/// A CSV file with one row per iteration (<c>metrics.csv</c>, <c>timing.csv</c>). Columns are the fixed ones followed by
/// every other key in order of first appearance; when a new key appears the file is rewritten with the wider header (older
/// rows get empty cells), otherwise rows are appended. Values are invariant-culture numbers in round-trip form.
/// </summary>
public sealed class CsvLog
{
    private readonly List<string> _columns;
    private readonly List<Dictionary<string, string>> _rows = [];

    /// <summary>Opens <paramref name="path"/>, loading the rows already in it (a resumed run continues the file).</summary>
    public CsvLog(string path, IReadOnlyList<string> fixedColumns)
    {
        Path = path;
        _columns = [.. fixedColumns];
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) return;
        var header = lines[0].Split(',');
        foreach (var c in header.Where(c => !_columns.Contains(c))) _columns.Add(c);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length && i < cells.Length; i++)
                if (cells[i].Length > 0) row[header[i]] = cells[i];
            _rows.Add(row);
        }
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
        _rows.RemoveAll(r => r.TryGetValue(column, out var v) && long.Parse(v, CultureInfo.InvariantCulture) > max);
        Rewrite();
    }

    /// <summary>Appends a row; new keys widen the header.</summary>
    public void Append(IReadOnlyDictionary<string, string> row)
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
        if (widened || !File.Exists(Path)) Rewrite();
        else File.AppendAllText(Path, Line(copy));
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
        string tmp = Path + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, Path, overwrite: true);
    }
}
