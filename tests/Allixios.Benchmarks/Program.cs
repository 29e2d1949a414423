using Allixios.Benchmarks;
using Allixios.Benchmarks.AiRouting;
using Allixios.Benchmarks.Cache;
using Allixios.Benchmarks.Orchestration;
using Allixios.Benchmarks.Search;

// dotnet run -c Release --project tests/Allixios.Benchmarks -- <scenario> [options]
// stdout: one JSON object per figure (DESIGN.md, "Benchmark output"); stderr: BenchmarkDotNet's log and tables.
var scenario = args.FirstOrDefault();
if (BareHop.IsVerb(args))
{
    return await BareHop.ServeAsync(args);
}

if (scenario == "embed")
{
    return await EmbedScenario.RunAsync(args[1..]);
}

if (scenario == "webhooks-trigger")
{
    return await Allixios.Benchmarks.Webhooks.WebhookTriggerScenario.RunAsync(args[1..]);
}

const string Usage = "Scenarios: cache [--redis HOST:PORT] | cache-propagation --redis HOST:PORT [--runtime DLL] [--rounds N] | queue --store postgres|memory --jobs N [--connection CS] [--concurrency N] | fairness | search-quality --dataset DIR --store memory|postgres --mode lexical|semantic|hybrid [--connection CS] [--fusion rrf|weighted] [--sweep] | search-scale --docs N --store postgres [--connection CS] [--keep | --reuse DATABASE] | ai-overhead [--store memory|postgres] [--connection CS] [--requests N] [--runtime DLL] | embed [--dataset DIR] [--max-tokens N] | webhooks-trigger [--connection CS] [--jobs N] [--rounds N]";
string? redis = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_REDIS");
string? connection = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_POSTGRES");
string? runtime = null;
var store = "memory";
int? jobs = null;
var concurrency = 64;
var rounds = 200;
var requests = 5_000;
string? dataset = null;
var mode = "lexical";
string? fusion = null;
var sweep = false;
var keep = false;
var docs = 100_000;
string? reuse = null;
for (var i = 1; i < args.Length; i++)
{
    if (i + 1 < args.Length && args[i] is "--redis" or "--connection" or "--store" or "--jobs" or "--concurrency" or "--runtime" or "--rounds" or "--dataset" or "--mode" or "--fusion" or "--requests" or "--docs" or "--reuse")
    {
        var value = args[++i];
        switch (args[i - 1])
        {
            case "--redis": redis = value; break;
            case "--connection": connection = value; break;
            case "--store": store = value; break;
            case "--runtime": runtime = value; break;
            case "--dataset": dataset = value; break;
            case "--mode": mode = value; break;
            case "--reuse": reuse = value; break;
            case "--fusion" when value is "rrf" or "weighted": fusion = value; break;
            case "--jobs" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0: jobs = n; break;
            case "--concurrency" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 256: concurrency = c; break;
            case "--requests" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var q) && q > 0: requests = q; break;
            case "--docs" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var d) && d is >= 1_000 and <= 10_000_000: docs = d; break;
            case "--rounds" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var r) && r > 0: rounds = r; break;
            default:
                await Console.Error.WriteLineAsync($"Bad value '{value}' for {args[i - 1]}. {Usage}");
                return 2;
        }
    }
    else if (args[i] == "--sweep")
    {
        sweep = true;
    }
    else if (args[i] == "--keep")
    {
        keep = true;
    }
    else
    {
        await Console.Error.WriteLineAsync($"Unknown option '{args[i]}'. {Usage}");
        return 2;
    }
}

switch (scenario)
{
    case "cache":
        return await CacheScenario.RunAsync(string.IsNullOrWhiteSpace(redis) ? null : redis);
    case "cache-propagation" when !string.IsNullOrWhiteSpace(redis):
        foreach (var figure in await CachePropagationScenario.RunAsync(runtime ?? RuntimeBuild.Locate(), redis, rounds))
        {
            figure.Print();
        }

        return 0;
    case "queue":
        return await QueueScenario.RunAsync(store, jobs, connection, concurrency);
    case "fairness":
        return await FairnessScenario.RunAsync();
    case "ai-overhead" when store is "memory" || !string.IsNullOrWhiteSpace(connection):
        AiDecisionScenario.Run();
        foreach (var figure in await AiAddedLatencyScenario.RunAsync(runtime ?? RuntimeBuild.Locate(), store == "postgres" ? connection : null, requests))
        {
            figure.Print();
        }

        return 0;
    case "search-scale":
        return await SearchScaleScenario.RunAsync(docs, store, connection, keep, reuse);
    case "search-quality" when dataset is not null:
        return await SearchQualityScenario.RunAsync(dataset, store, mode, connection, fusion, sweep);
    default:
        await Console.Error.WriteLineAsync($"Usage: dotnet run -c Release --project tests/Allixios.Benchmarks -- <scenario> [options]\n{Usage}");
        return 2;
}
