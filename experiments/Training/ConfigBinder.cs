using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using Tomlyn.Model;

namespace Rl.Experiments.Training;

/// <summary>A configuration that cannot be used: unknown keys, wrong types, out-of-range values, malformed TOML.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>One settable key of a config record, for validation messages and <c>rl algos</c>.</summary>
/// <param name="Key">The snake_case key, e.g. <c>step_size</c> (nested: <c>optimizer.lr</c>).</param>
/// <param name="Type">A readable type name, e.g. <c>float</c>, <c>int</c>, <c>[int]</c>, <c>one of: adam, sgd</c>.</param>
/// <param name="Default">The default value as TOML text (empty when unset).</param>
/// <param name="Range">The allowed range, e.g. <c>in [1e-09, 10]</c> or <c>&gt;= 1</c> (empty when unrestricted).</param>
/// <param name="Description">The property's <see cref="DescriptionAttribute"/> text.</param>
public sealed record ConfigKey(string Key, string Type, string Default, string Range, string Description);

/// <summary>
/// Binds TOML tables to config records (<c>sealed record</c>s with <c>init</c> properties and defaults), as the runner reads
/// <c>[run]</c> and <c>[config]</c>. The rules, which every algorithm's config follows:
/// <list type="bullet">
/// <item>Keys are the snake_case form of the property names (<c>StepSize</c> → <c>step_size</c>); absent keys keep the
/// record's default; unknown keys are errors that list the valid keys.</item>
/// <item>Types: <c>bool</c>, <c>int</c>, <c>long</c>, <c>float</c>, <c>double</c> (integers accepted), <c>string</c>, enums
/// (by name, case and underscores ignored: <c>running_mean</c> → <c>RunningMean</c>, or by the name an
/// <see cref="EnumMemberAttribute"/> gives: <c>mean</c>), nullable forms of these, arrays and lists of them (TOML arrays),
/// and nested config records (TOML sub-tables, e.g. <c>[config.optimizer]</c>).</item>
/// <item>Old key names: a config implementing <see cref="Rl.Agents.Training.IConfigAliases"/> reads each old key as its new
/// (dotted) key, with a one-line notice naming the new key; giving both is an error (<see cref="NormalizeAliases"/>).</item>
/// <item>Ranges and other checks: <see cref="System.ComponentModel.DataAnnotations"/> attributes on the properties
/// (<c>[Range(1e-9, 10)]</c>, ...); checks across properties: implement <see cref="IValidatableObject"/>.</item>
/// <item>Descriptions for <c>rl algos</c>: <see cref="DescriptionAttribute"/> on each property (XML docs are not available
/// at run time).</item>
/// </list>
/// Every problem is collected, so one run of <c>rl train</c> reports all of them at once.
/// </summary>
public static class ConfigBinder
{
    /// <summary>A new instance of <paramref name="type"/> with its defaults, overridden by <paramref name="table"/>.</summary>
    /// <param name="type">The config record type (needs a public parameterless constructor).</param>
    /// <param name="table">The TOML table; null keeps every default.</param>
    /// <param name="path">The table's name in messages, e.g. <c>config</c> or <c>run</c>.</param>
    /// <param name="errors">Receives one line per problem.</param>
    /// <param name="notices">Receives one line per old key name read as its new one (null: dropped).</param>
    public static object Bind(Type type, TomlTable? table, string path, List<string> errors, List<string>? notices = null)
    {
        var instance = CreateDefault(type);
        if (table is not null && instance is Rl.Agents.Training.IConfigAliases aliased)
            table = NormalizeAliases(table, aliased.Aliases, path, errors, notices);
        if (table is not null) Populate(instance, table, path, errors);
        Validate(instance, path, errors);
        return instance;
    }

    /// <summary>A new instance of <paramref name="type"/> with its defaults.</summary>
    /// <exception cref="ConfigException">If the type has no public parameterless constructor.</exception>
    public static object CreateDefault(Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new ConfigException($"config type {type.Name} needs a public parameterless constructor (a record with init properties and defaults)");
        return Activator.CreateInstance(type)!;
    }

    /// <summary>The snake_case key of a PascalCase property name (<c>NumDirections</c> → <c>num_directions</c>, <c>MLPHidden</c> → <c>mlp_hidden</c>).</summary>
    public static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool acronymEnd = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (prevLowerOrDigit || acronymEnd) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The settable properties of a config type by snake_case key, in declaration order.</summary>
    public static IReadOnlyList<(string Key, PropertyInfo Property)> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (Snake(p.Name), p))
            .ToList();

    /// <summary>Every key of a config type (nested records flattened as <c>outer.inner</c>), with type, default, range and description.</summary>
    public static IReadOnlyList<ConfigKey> Describe(Type type)
    {
        var defaults = CreateDefault(type);
        var keys = DescribeKeys(type, defaults);
        if (defaults is not Rl.Agents.Training.IConfigAliases aliased) return keys;
        var old = aliased.Aliases.ToDictionary(a => a.NewKey, a => a.OldKey, StringComparer.Ordinal);
        return keys.Select(k => old.TryGetValue(k.Key, out var o) ? k with { Description = $"{k.Description} (old key: {o})".TrimStart() } : k).ToList();
    }

    private static List<ConfigKey> DescribeKeys(Type type, object defaults)
    {
        var keys = new List<ConfigKey>();
        foreach (var (key, p) in Properties(type))
        {
            object? value = p.GetValue(defaults);
            if (IsNestedConfig(p.PropertyType))
            {
                keys.AddRange(DescribeKeys(p.PropertyType, value ?? CreateDefault(p.PropertyType)).Select(k => k with { Key = key + "." + k.Key }));
                continue;
            }
            keys.Add(new ConfigKey(key, TypeName(p.PropertyType), value is null ? "" : TomlText.Value(value),
                RangeText(p), p.GetCustomAttribute<DescriptionAttribute>()?.Description ?? ""));
        }
        return keys;
    }

    /// <summary>Checks the record's DataAnnotations attributes and <see cref="IValidatableObject"/> rules, recursively.</summary>
    public static void Validate(object instance, string path, List<string> errors)
    {
        var type = instance.GetType();
        foreach (var (key, p) in Properties(type))
        {
            object? value = p.GetValue(instance);
            string where = $"{path}.{key}";
            if (value is not null && IsNestedConfig(p.PropertyType))
            {
                Validate(value, where, errors);
                continue;
            }
            foreach (var attr in p.GetCustomAttributes<ValidationAttribute>())
            {
                if (attr.IsValid(value)) continue;
                string why = attr is RangeAttribute r ? "must be " + RangeText(r) : attr.FormatErrorMessage(key);
                errors.Add($"'{where}' = {Show(value)} is out of range: {why}");
            }
        }
        // An algorithm config's own rules, every broken one reported (not only the first).
        if (instance is Rl.Agents.Training.IValidatableConfig config)
            foreach (var message in Rl.Agents.Training.ConfigErrors.Collect(config.Validate))
                errors.Add($"[{path}] {message}");
        if (instance is IValidatableObject v)
        {
            var props = Properties(type).ToDictionary(p => p.Property.Name, p => p.Key);
            foreach (var result in v.Validate(new ValidationContext(instance)))
            {
                var members = result.MemberNames.Select(m => $"{path}.{(props.TryGetValue(m, out var k) ? k : m)}").ToList();
                errors.Add((members.Count > 0 ? $"'{string.Join("', '", members)}': " : $"{path}: ") + result.ErrorMessage);
            }
        }
    }

    /// <summary>The new dotted key of an old one (<c>learning_rate</c> → <c>optimizer.learning_rate</c>), or null when <paramref name="key"/> is not an old key.</summary>
    /// <param name="aliases">The config's old keys.</param>
    /// <param name="key">A key relative to the config table.</param>
    /// <param name="value">The value given; a table under an old key that is also a new table's name is the new form, not an alias.</param>
    public static string? AliasTarget(IReadOnlyList<Rl.Agents.Training.ConfigAlias> aliases, string key, object? value = null)
    {
        if (value is TomlTable) return null;
        foreach (var a in aliases)
            if (a.OldKey == key) return a.NewKey;
        return null;
    }

    /// <summary>The notice printed when an old key is read as its new one.</summary>
    public static string AliasNotice(string path, string oldKey, string newKey) =>
        $"'{path}.{oldKey}' is deprecated; use '{path}.{newKey}' (read as that key)";

    /// <summary>
    /// A copy of <paramref name="table"/> with each old key moved to its new dotted key (sub-tables created as needed), a
    /// notice per moved key; an old key given together with its new key is an error (the old one is dropped).
    /// </summary>
    /// <param name="table">The config table as written (not changed).</param>
    /// <param name="aliases">The config's old keys.</param>
    /// <param name="path">The table's name in messages, e.g. <c>config</c>.</param>
    /// <param name="errors">Receives one line per conflict.</param>
    /// <param name="notices">Receives one line per moved key (null: dropped).</param>
    public static TomlTable NormalizeAliases(TomlTable table, IReadOnlyList<Rl.Agents.Training.ConfigAlias> aliases, string path, List<string> errors,
        List<string>? notices)
    {
        if (!table.Any(kv => AliasTarget(aliases, kv.Key, kv.Value) is not null)) return table;
        var copy = CopyTable(table);
        var moves = new List<(string Key, object? Raw, string Target)>();
        foreach (var (key, raw) in table)
        {
            if (AliasTarget(aliases, key, raw) is not { } target) continue;
            copy.Remove(key); // first all of them: an old key may hold the name of a new table (optimizer = "sgd")
            moves.Add((key, raw, target));
        }
        foreach (var (key, raw, target) in moves)
        {
            var parts = target.Split('.');
            var parent = copy;
            bool blocked = false;
            for (int i = 0; i < parts.Length - 1 && !blocked; i++)
            {
                if (!parent.TryGetValue(parts[i], out var sub)) parent[parts[i]] = sub = new TomlTable();
                if (sub is TomlTable t) parent = t;
                else blocked = true; // a value where the new table goes: reported by the binder ("must be a table")
            }
            if (blocked) continue;
            if (parent.ContainsKey(parts[^1]))
            {
                errors.Add($"'{path}.{key}' and '{path}.{target}' are the same setting ('{key}' is its old name): give only '{path}.{target}'");
                continue;
            }
            parent[parts[^1]] = raw!;
            notices?.Add(AliasNotice(path, key, target));
        }
        return copy;
    }

    private static TomlTable CopyTable(TomlTable table)
    {
        var copy = new TomlTable();
        foreach (var (k, v) in table) copy[k] = v is TomlTable t ? CopyTable(t) : v!;
        return copy;
    }

    /// <summary>Sets the values of <paramref name="table"/> on <paramref name="instance"/> (a fresh instance this code owns).</summary>
    private static void Populate(object instance, TomlTable table, string path, List<string> errors)
    {
        var props = Properties(instance.GetType()).ToDictionary(p => p.Key, p => p.Property, StringComparer.Ordinal);
        foreach (var (key, raw) in table)
        {
            string where = $"{path}.{key}";
            if (!props.TryGetValue(key, out var p))
            {
                errors.Add($"unknown key '{where}'; valid keys in [{path}]: {string.Join(", ", props.Keys)}");
                continue;
            }
            if (IsNestedConfig(p.PropertyType))
            {
                if (raw is not TomlTable sub)
                {
                    errors.Add($"'{where}' = {Show(raw)} must be a table ([{where}]) with keys: {string.Join(", ", Properties(p.PropertyType).Select(x => x.Key))}");
                    continue;
                }
                // Clone the default so a nested default shared between instances is never mutated.
                object current = p.GetValue(instance) is { } existing ? Clone(existing) : CreateDefault(p.PropertyType);
                Populate(current, sub, where, errors);
                p.SetValue(instance, current);
                continue;
            }
            if (TryConvert(raw, p.PropertyType, out var value, out var expected)) p.SetValue(instance, value);
            else errors.Add($"'{where}' = {Show(raw)} has the wrong type: expected {expected}");
        }
    }

    private static object Clone(object record)
    {
        var clone = record.GetType().GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance);
        return clone is not null ? clone.Invoke(record, null)! : record;
    }

    /// <summary>Whether a property type is a nested config record (bound from a sub-table).</summary>
    public static bool IsNestedConfig(Type t) =>
        t.IsClass && t != typeof(string) && !t.IsArray && !typeof(IEnumerable).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>Converts a TOML value to <paramref name="target"/>; on failure names what was expected.</summary>
    public static bool TryConvert(object? raw, Type target, out object? value, out string expected)
    {
        value = null;
        expected = TypeName(target);
        var underlying = Nullable.GetUnderlyingType(target);
        if (underlying is not null) target = underlying;
        switch (raw)
        {
            case bool b when target == typeof(bool): value = b; return true;
            case long l when target == typeof(long): value = l; return true;
            case long l when target == typeof(int) && l is >= int.MinValue and <= int.MaxValue: value = (int)l; return true;
            case long l when target == typeof(double): value = (double)l; return true;
            case long l when target == typeof(float): value = (float)l; return true;
            case double d when target == typeof(double): value = d; return true;
            case double d when target == typeof(float) && (!double.IsFinite(d) || Math.Abs(d) <= float.MaxValue): value = (float)d; return true;
            case string s when target == typeof(string): value = s; return true;
            case string s when target.IsEnum:
            {
                string norm = s.Replace("_", "").Replace("-", "");
                foreach (var member in Enum.GetValues(target))
                {
                    if (string.Equals(EnumName((Enum)member), s, StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(member.ToString(), norm, StringComparison.OrdinalIgnoreCase))
                    {
                        value = member;
                        return true;
                    }
                }
                return false;
            }
            case TomlArray array when ElementType(target) is { } element:
            {
                var items = Array.CreateInstance(element, array.Count);
                for (int i = 0; i < array.Count; i++)
                {
                    if (!TryConvert(array[i], element, out var item, out _)) return false;
                    items.SetValue(item, i);
                }
                if (target.IsArray || target.IsAssignableFrom(items.GetType())) value = items;
                else value = Activator.CreateInstance(target, items); // List<T>(IEnumerable<T>)
                return true;
            }
            default:
                return false;
        }
    }

    private static Type? ElementType(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        if (!t.IsGenericType) return null;
        var def = t.GetGenericTypeDefinition();
        if (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>) ||
            def == typeof(IReadOnlyCollection<>))
            return t.GetGenericArguments()[0];
        return null;
    }

    /// <summary>The config name of an enum value: its <see cref="EnumMemberAttribute"/> value, else the snake_case member name.</summary>
    public static string EnumName(Enum value)
    {
        string name = value.ToString();
        var field = value.GetType().GetField(name);
        return field?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? Snake(name);
    }

    /// <summary>A readable name of a config value type.</summary>
    public static string TypeName(Type t)
    {
        var u = Nullable.GetUnderlyingType(t);
        if (u is not null) return TypeName(u) + " (optional)";
        if (t == typeof(bool)) return "bool (true/false)";
        if (t == typeof(int)) return "int";
        if (t == typeof(long)) return "int (64-bit)";
        if (t == typeof(float) || t == typeof(double)) return "float";
        if (t == typeof(string)) return "string";
        if (t.IsEnum) return "one of: " + string.Join(", ", Enum.GetValues(t).Cast<Enum>().Select(EnumName));
        if (ElementType(t) is { } e) return $"[{TypeName(e)}]";
        if (IsNestedConfig(t)) return "table";
        return t.Name;
    }

    private static string RangeText(PropertyInfo p) => p.GetCustomAttribute<RangeAttribute>() is { } r ? RangeText(r) : "";

    private static string RangeText(RangeAttribute r)
    {
        string max = Inv(r.Maximum);
        bool open = max is "2147483647" or "9223372036854775807" || r.Maximum is double d && double.IsPositiveInfinity(d);
        return open ? $">= {Inv(r.Minimum)}" : $"in [{Inv(r.Minimum)}, {max}]";
    }

    private static string Inv(object o) => Convert.ToString(o, CultureInfo.InvariantCulture) ?? "";

    private static string Show(object? value) => value switch
    {
        null => "(unset)",
        string s => "\"" + s + "\"",
        TomlTable => "a table",
        _ => TomlText.Value(value),
    };
}
