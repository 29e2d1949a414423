using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.Benchmarks;

/// <summary>One figure, printed as one JSON line on stdout in the shape DESIGN.md ("Benchmark output") gives.</summary>
internal sealed record Figure(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("baseline")] string? Baseline = null,
    [property: JsonPropertyName("baseline_value")] double? BaselineValue = null,
    [property: JsonPropertyName("ratio")] double? Ratio = null)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A figure measured next to a baseline in the same run; the ratio is value ÷ baseline (1 when both are 0).</summary>
    public static Figure Compared(string scenario, double value, string unit, string baseline, double baselineValue) => new(
        scenario,
        value,
        unit,
        baseline,
        baselineValue,
        baselineValue == 0 ? (value == 0 ? 1 : null) : Math.Round(value / baselineValue, 2));

    public void Print() => Console.Out.WriteLine(JsonSerializer.Serialize(this, Json));
}
