using Allixios.Benchmarks;

// dotnet run -c Release --project tests/Allixios.Benchmarks -- <scenario> [options]
// stdout: one JSON object per figure (DESIGN.md, "Benchmark output"); stderr: BenchmarkDotNet's log and tables.
var scenario = args.FirstOrDefault();
string? redis = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_REDIS");
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--redis" && i + 1 < args.Length)
    {
        redis = args[++i];
    }
    else
    {
        await Console.Error.WriteLineAsync($"Unknown option '{args[i]}'. Usage: cache [--redis HOST:PORT]");
        return 2;
    }
}

switch (scenario)
{
    case "cache":
        return await CacheScenario.RunAsync(string.IsNullOrWhiteSpace(redis) ? null : redis);
    default:
        await Console.Error.WriteLineAsync("Usage: dotnet run -c Release --project tests/Allixios.Benchmarks -- <scenario> [options]\nScenarios: cache [--redis HOST:PORT]");
        return 2;
}
