using Allixios.Benchmarks;

// dotnet run -c Release --project tests/Allixios.Benchmarks -- <scenario> [options]
// stdout: one JSON object per figure (DESIGN.md, "Benchmark output"); stderr: BenchmarkDotNet's log and tables.
var scenario = args.FirstOrDefault();
string? redis = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_REDIS");
string? runtime = null;
var rounds = 200;
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--redis" && i + 1 < args.Length)
    {
        redis = args[++i];
    }
    else if (args[i] == "--runtime" && i + 1 < args.Length)
    {
        runtime = args[++i];
    }
    else if (args[i] == "--rounds" && i + 1 < args.Length && int.TryParse(args[i + 1], out rounds) && rounds > 0)
    {
        i++;
    }
    else
    {
        await Console.Error.WriteLineAsync($"Unknown option '{args[i]}'. Usage: cache [--redis HOST:PORT] | cache-propagation [--redis HOST:PORT] [--runtime DLL] [--rounds N]");
        return 2;
    }
}

switch (scenario)
{
    case "cache":
        return await CacheScenario.RunAsync(string.IsNullOrWhiteSpace(redis) ? null : redis);
    case "cache-propagation" when !string.IsNullOrWhiteSpace(redis):
        foreach (var figure in await Allixios.Benchmarks.Cache.CachePropagationScenario.RunAsync(runtime ?? RuntimeBuild.Locate(), redis, rounds))
        {
            figure.Print();
        }

        return 0;
    default:
        await Console.Error.WriteLineAsync("Usage: dotnet run -c Release --project tests/Allixios.Benchmarks -- <scenario> [options]\nScenarios: cache [--redis HOST:PORT]; cache-propagation --redis HOST:PORT [--runtime DLL] [--rounds N] (three runtime processes)");
        return 2;
}
