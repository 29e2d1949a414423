using System.Text;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// A deterministic synthetic collection for search-scale: a generated vocabulary of pronounceable words whose use
/// follows a Zipf distribution (s = 1.07, like English), documents about one of <see cref="Topics"/> topics each (35 % of
/// their words from the topic's own 300 words, Zipfian within the topic, the rest from the whole vocabulary), with
/// log-normal lengths (body median 100 words, title 4 to 10). Vectors are not embedded (MiniLM would take hours for
/// 100,000 documents on this machine): each document and query gets a unit vector near its topic's random centroid
/// (cosine about 0.7), served by <see cref="SyntheticEmbeddingGenerator"/>. Queries are 2 to 4 words of a topic.
/// </summary>
internal sealed class SyntheticCorpus
{
    public const int Dimensions = 384;
    public const int Topics = 200;
    private const int VocabularySize = 50_000;
    private const int TopicWords = 300;
    private const double TopicShare = 0.35;
    private const float Noise = 0.05f;

    private readonly Random _random;
    private readonly string[] _vocabulary;
    private readonly double[] _background;
    private readonly int[][] _topicWords;
    private readonly double[] _withinTopic;
    private readonly float[][] _centroids;

    public SyntheticCorpus(int seed = 42)
    {
        _random = new Random(seed);
        _vocabulary = Vocabulary(_random);
        _background = ZipfCumulative(VocabularySize, 1.07);
        _withinTopic = ZipfCumulative(TopicWords, 1.0);
        _topicWords = Enumerable.Range(0, Topics)
            .Select(_ => Enumerable.Range(0, TopicWords).Select(_ => 200 + _random.Next(VocabularySize - 200)).ToArray())
            .ToArray();
        _centroids = Enumerable.Range(0, Topics).Select(_ => Normalise(Gaussian(_random, Dimensions, 1))).ToArray();
    }

    public (string Id, string Title, string Body, float[] Vector) Document(int number)
    {
        var topic = _random.Next(Topics);
        var title = Words(topic, 4 + _random.Next(7));
        var length = (int)Math.Clamp(Math.Exp(Math.Log(100) + (0.6 * NextGaussian(_random))), 15, 1_500);
        return ($"doc{number:D7}", title, Words(topic, length), Near(topic));
    }

    public (string Text, float[] Vector) Query()
    {
        var topic = _random.Next(Topics);
        var words = new List<string>();
        var count = 2 + _random.Next(3);
        while (words.Count < count)
        {
            var word = _vocabulary[_topicWords[topic][Sample(_withinTopic)]];
            if (!words.Contains(word))
            {
                words.Add(word);
            }
        }

        return (string.Join(' ', words), Near(topic));
    }

    private string Words(int topic, int count)
    {
        var text = new StringBuilder(count * 7);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(i % 12 == 0 ? ". " : " ");
            }

            var rank = _random.NextDouble() < TopicShare ? _topicWords[topic][Sample(_withinTopic)] : Sample(_background);
            text.Append(_vocabulary[rank]);
        }

        return text.ToString();
    }

    private float[] Near(int topic)
    {
        var noise = Gaussian(_random, Dimensions, Noise);
        return Normalise(_centroids[topic].Zip(noise, (c, n) => c + n).ToArray());
    }

    private int Sample(double[] cumulative)
    {
        var index = Array.BinarySearch(cumulative, _random.NextDouble() * cumulative[^1]);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static string[] Vocabulary(Random random)
    {
        const string consonants = "bcdfghjklmnprstvz";
        const string vowels = "aeiou";
        var words = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<string>(VocabularySize);
        while (ordered.Count < VocabularySize)
        {
            var syllables = 2 + random.Next(3);
            var word = new StringBuilder();
            for (var s = 0; s < syllables; s++)
            {
                word.Append(consonants[random.Next(consonants.Length)]).Append(vowels[random.Next(vowels.Length)]);
            }

            if (words.Add(word.ToString()))
            {
                ordered.Add(word.ToString());
            }
        }

        return [.. ordered];
    }

    private static double[] ZipfCumulative(int n, double s)
    {
        var cumulative = new double[n];
        var sum = 0.0;
        for (var rank = 0; rank < n; rank++)
        {
            sum += 1 / Math.Pow(rank + 1, s);
            cumulative[rank] = sum;
        }

        return cumulative;
    }

    private static float[] Gaussian(Random random, int dimensions, float scale)
        => Enumerable.Range(0, dimensions).Select(_ => (float)NextGaussian(random) * scale).ToArray();

    private static double NextGaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] Normalise(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / norm).ToArray();
    }
}
