using System.Globalization;
using System.Text;

namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>An object literal whose properties keep the order they were added in (so the output is stable).</summary>
public sealed class TsObject : List<KeyValuePair<string, object?>>
{
    /// <summary>Adds a property.</summary>
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}

/// <summary>
/// Writes TypeScript literals in the package's style (tabs, single quotes, trailing commas), so that the generated file
/// reads like the hand-written ones and passes the package's lint.
/// </summary>
public static class TypeScriptWriter
{
    /// <summary>Writes a value: strings, booleans, numbers, <see cref="TsObject"/> and sequences of them.</summary>
    public static void Write(StringBuilder output, object? value, int depth)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (value)
        {
            case null:
                output.Append("undefined");
                break;
            case string text:
                output.Append(Quote(text));
                break;
            case bool flag:
                output.Append(flag ? "true" : "false");
                break;
            case int or long or double:
                output.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case TsObject obj:
                WriteObject(output, obj, depth);
                break;
            case System.Collections.IEnumerable sequence:
                WriteArray(output, [.. sequence.Cast<object?>()], depth);
                break;
            default:
                throw new ArgumentException($"Cannot write a {value.GetType().Name} as TypeScript.", nameof(value));
        }
    }

    /// <summary>A single-quoted string literal.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder("'");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\'' => "\\'",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return builder.Append('\'').ToString();
    }

    private static void WriteObject(StringBuilder output, TsObject obj, int depth)
    {
        if (obj.Count == 0)
        {
            output.Append("{}");
            return;
        }

        output.Append("{\n");
        foreach (var (key, value) in obj)
        {
            Indent(output, depth + 1).Append(key).Append(": ");
            Write(output, value, depth + 1);
            output.Append(",\n");
        }

        Indent(output, depth).Append('}');
    }

    private static void WriteArray(StringBuilder output, List<object?> items, int depth)
    {
        if (items.All(item => item is string or bool or int or long or double))
        {
            // Short lists of scalars stay on one line, as people write them.
            output.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                Write(output, items[i], depth);
                if (i < items.Count - 1)
                {
                    output.Append(", ");
                }
            }

            output.Append(']');
            return;
        }

        output.Append("[\n");
        foreach (var item in items)
        {
            Indent(output, depth + 1);
            Write(output, item, depth + 1);
            output.Append(",\n");
        }

        Indent(output, depth).Append(']');
    }

    private static StringBuilder Indent(StringBuilder output, int depth) => output.Append('\t', depth);
}
