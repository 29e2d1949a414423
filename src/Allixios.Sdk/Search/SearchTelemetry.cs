using System.Diagnostics;
using Allixios.Diagnostics;

namespace Allixios.Search;

/// <summary>Records the search instruments of <see cref="AllixiosTelemetry"/> and the query span, tagged by store.</summary>
internal static class SearchTelemetry
{
    public static Activity? StartQuery(string store)
        => AllixiosTelemetry.ActivitySource.StartActivity("allixios.search.query")?.SetTag("allixios.search.store", store);

    public static void Queried(string store, long startedAt)
    {
        var tag = new KeyValuePair<string, object?>("store", store);
        AllixiosTelemetry.SearchQueries.Add(1, tag);
        AllixiosTelemetry.SearchQueryTime.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag);
    }

    public static void Indexed(string store, int documents)
        => AllixiosTelemetry.SearchDocumentsIndexed.Add(documents, new KeyValuePair<string, object?>("store", store));
}
