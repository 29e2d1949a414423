namespace Allixios.Sdk.Tests.Quality;

/// <summary>Texts whose quality is plain to a reader, for the scorers' tests.</summary>
internal static class QualityTexts
{
    /// <summary>Plain, everyday English (Flesch reading ease about 75, inside the default band of 50–90).</summary>
    public const string PlainEnglish = """
        Gardening in spring is a pleasant way to spend time outdoors. Begin by clearing old leaves from your borders and
        checking the condition of the soil. Sow peas and spinach once the ground has warmed, usually in early April. Water
        the seedlings in the morning, so that the foliage can dry before evening. Watch for slugs after heavy rain, and
        remove them by hand or protect young plants with a copper collar.
        """;

    /// <summary>Academic prose: long sentences of long words (Flesch far below 0).</summary>
    public const string DenseAcademic = """
        The epistemological ramifications of computational hermeneutics necessitate interdisciplinary methodological
        considerations regarding institutional accountability, particularly insofar as algorithmic intermediation
        fundamentally reconfigures the sociotechnical infrastructures underpinning contemporary organizational
        decision-making and administrative legitimacy.
        """;

    /// <summary>A well-shaped article of 314 words: a title, three section headings, eight short paragraphs, a list; no sentence twice.</summary>
    public const string StructuredArticle = """
        # A spring vegetable garden, step by step

        Spring is the season when a garden wakes up. The soil warms, the days grow longer, and seeds that rested all winter
        begin to sprout. A little planning now pays off for months, because what you sow in these weeks decides what you
        harvest in summer.

        ## Prepare the beds

        Good beds start with healthy soil. Dig in a thick layer of compost, break up the heavy clods, and rake the surface
        level. If water pools after rain, raise the bed or mix in grit so that roots can breathe instead of rotting.

        Test the soil before you plant anything. A cheap kit from a garden centre shows whether it is acidic or alkaline,
        and most vegetables prefer something close to neutral. Lime raises the value; sulphur lowers it.

        ## What to plant first

        Cool-season crops tolerate the occasional frost, which makes them ideal for early sowing. Choose varieties that
        mature quickly, and stagger your sowings every two weeks for a steady supply.

        - peas and broad beans
        - spinach and lettuce
        - radishes and early potatoes

        Protect tender seedlings with fleece on cold nights. Remove it during the day, otherwise the plants grow weak and
        leggy while they stretch towards the light.

        ## Watering and care

        Watering is best done early in the morning. Leaves then dry before evening, which keeps mildew away, and the plants
        have moisture at hand when the sun is strongest. Deep, slow watering twice a week encourages roots to grow down,
        where the ground stays cool.

        Mulch helps the soil hold that moisture. Spread straw or shredded bark between the rows once the seedlings are a
        few centimetres tall, and keep it away from the stems themselves.

        Finally, walk through the garden often. Pull weeds while they are small, look under leaves for aphids, and note
        which crops thrive. Those notes will make next spring even easier.
        """;

    /// <summary>The same 314 words as one wall of text: no headings, no list, one paragraph.</summary>
    public static string WallOfText { get; } = string.Join(' ', StructuredArticle.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('#') && w != "-"));
}
