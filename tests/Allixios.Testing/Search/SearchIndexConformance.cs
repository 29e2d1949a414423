using Allixios.Search;
using Xunit;

namespace Allixios.Testing.Search;

/// <summary>
/// What every <see cref="ISearchIndex"/> must do, run against the in-memory index (unit tests) and the PostgreSQL index
/// (integration tests), so that both rank, filter, facet and reject input alike.
/// </summary>
public abstract class SearchIndexConformance : IAsyncLifetime
{
    private ISearchIndex? _index;

    /// <summary>The index under test, fresh for this test.</summary>
    protected ISearchIndex Index => _index ?? throw new InvalidOperationException("The index is created in InitializeAsync, before each test.");

    /// <summary>A tenant id no other test uses.</summary>
    protected string Tenant { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates the index under test; it may share storage with other tests, which use other tenants.</summary>
    protected abstract Task<ISearchIndex> CreateIndexAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _index = await CreateIndexAsync();

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_upserted_document_reads_back_normalised()
    {
        var published = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        await Index.UpsertAsync(Tenant, [new SearchDocument("d1", "Wing", "Body") { Tags = ["x", "y", "x"], Category = "aero", PublishedAt = published, Fields = new Dictionary<string, string> { ["color"] = "red" } }]);

        var read = await Index.GetAsync(Tenant, "d1");

        Assert.NotNull(read);
        Assert.Equal(["x", "y"], read.Tags);
        Assert.Equal("aero", read.Category);
        Assert.Equal("red", read.Fields["color"]);
        Assert.Equal(published.UtcTicks - (published.UtcTicks % 10), read.PublishedAt!.Value.UtcTicks);
        Assert.Null(await Index.GetAsync(Tenant, "nope"));
    }

    [Fact]
    public async Task The_count_follows_upserts_replacements_and_deletes()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "one"), Doc("b", "two"), Doc("c", "three")]);
        await Index.UpsertAsync(Tenant, [Doc("a", "one again")]);
        Assert.Equal(3, await Index.CountAsync(Tenant));

        Assert.Equal(2, await Index.DeleteAsync(Tenant, ["a", "b", "missing"]));

        Assert.Equal(1, await Index.CountAsync(Tenant));
    }

    [Fact]
    public async Task Scores_are_okapi_bm25_with_k1_1_2_and_b_0_75()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "wing wing slipstream"), Doc("b", "wing flow"), Doc("c", "flow theory")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery("wing"));

        // N = 3, df(wing) = 2, lengths 3, 2, 2: avgdl = 7/3.
        var idf = Math.Log(1 + ((3 - 2 + 0.5) / (2 + 0.5)));
        double Expected(int tf, int length) => idf * tf * 2.2 / (tf + (1.2 * (0.25 + (0.75 * length / (7.0 / 3)))));
        Assert.Equal(["a", "b"], results.Hits.Select(h => h.Id));
        Assert.Equal(Expected(2, 3), results.Hits[0].Score, 5);
        Assert.Equal(Expected(1, 2), results.Hits[1].Score, 5);
        Assert.Equal(2, results.Total);
    }

    [Fact]
    public async Task Words_match_after_stemming_and_stop_words_are_ignored()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "The wings were tested"), Doc("b", "A study of the theory")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery("the testing of wing"));

        Assert.Equal(["a"], results.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task A_phrase_must_occur_in_order_with_its_stop_word_gaps()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "a wing in a slipstream was measured"), Doc("b", "the slipstream behind a wing"), Doc("c", "wing slipstream interaction")]);

        var gapped = await Index.SearchAsync(Tenant, new SearchQuery("\"wing in a slipstream\""));
        var adjacent = await Index.SearchAsync(Tenant, new SearchQuery("\"wing slipstream\""));

        Assert.Equal(["a"], gapped.Hits.Select(h => h.Id));
        Assert.Equal(["c"], adjacent.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task A_prefix_matches_the_indexed_terms_that_start_with_it()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "aerodynamics of wings"), Doc("b", "aerodynamic heating"), Doc("c", "heat transfer")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery("aerodyn*"));

        Assert.Equal(["a", "b"], results.Hits.Select(h => h.Id).Order(StringComparer.Ordinal));
        Assert.Contains("aerodynam", results.Expansions["aerodyn*"]);
    }

    [Fact]
    public async Task A_misspelt_word_matches_the_nearest_indexed_term()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "propeller slipstream effects"), Doc("b", "boundary layer")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery("slipstraem"));
        var strict = await Index.SearchAsync(Tenant, new SearchQuery("slipstraem") { TypoTolerance = false });

        Assert.Equal(["a"], results.Hits.Select(h => h.Id));
        Assert.Equal(["slipstream"], results.Expansions["slipstraem"]);
        Assert.Empty(strict.Hits);
    }

    [Fact]
    public async Task Filters_on_keywords_tags_custom_fields_and_dates_all_apply()
    {
        var day = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Index.UpsertAsync(Tenant,
        [
            Doc("a", "wing") with { Category = "aero", Tags = ["new", "hot"], PublishedAt = day, Fields = new Dictionary<string, string> { ["level"] = "1" } },
            Doc("b", "wing") with { Category = "aero", Tags = ["old"], PublishedAt = day.AddDays(10), Fields = new Dictionary<string, string> { ["level"] = "2" } },
            Doc("c", "wing") with { Category = "heat", Tags = ["new"], PublishedAt = day.AddDays(20) },
        ]);

        async Task<IEnumerable<string>> IdsAsync(params SearchFilter[] filters)
            => (await Index.SearchAsync(Tenant, new SearchQuery("wing") { Filters = filters })).Hits.Select(h => h.Id).Order(StringComparer.Ordinal);

        Assert.Equal(["a", "b"], await IdsAsync(SearchFilter.AnyOf("category", "aero")));
        Assert.Equal(["a", "c"], await IdsAsync(SearchFilter.AnyOf("tags", "new")));
        Assert.Equal(["a"], await IdsAsync(SearchFilter.AnyOf("tags", "new"), SearchFilter.AnyOf("category", "aero")));
        Assert.Equal(["b"], await IdsAsync(SearchFilter.AnyOf("fields.level", "2")));
        Assert.Equal(["b"], await IdsAsync(SearchFilter.Between("published_at", day.AddDays(1), day.AddDays(20))));
        Assert.Equal(["a", "b"], await IdsAsync(SearchFilter.Between("published_at", null, day.AddDays(20))));
        Assert.Empty(await IdsAsync(SearchFilter.AnyOf("author", "nobody")));
    }

    [Fact]
    public async Task Facets_count_every_hit_not_only_the_page()
    {
        await Index.UpsertAsync(Tenant,
        [
            Doc("a", "wing") with { Category = "aero", Tags = ["x", "y"] },
            Doc("b", "wing") with { Category = "aero", Tags = ["x"], Fields = new Dictionary<string, string> { ["level"] = "1" } },
            Doc("c", "wing") with { Category = "heat" },
            Doc("d", "theory") with { Category = "math", Tags = ["x"] },
        ]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Top = 1, Facets = ["category", "tags", "fields.level", "author"] });

        Assert.Single(results.Hits);
        Assert.Equal(3, results.Total);
        Assert.Equal([new FacetCount("aero", 2), new FacetCount("heat", 1)], results.Facets["category"]);
        Assert.Equal([new FacetCount("x", 2), new FacetCount("y", 1)], results.Facets["tags"]);
        Assert.Equal([new FacetCount("1", 1)], results.Facets["fields.level"]);
        Assert.Empty(results.Facets["author"]);
    }

    [Fact]
    public async Task Highlighted_snippets_mark_the_matched_words_and_escape_the_rest()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "Results <b>for</b> wings in a propeller slipstream & more")]);

        var hit = (await Index.SearchAsync(Tenant, new SearchQuery("wing slipstream") { Highlight = true })).Hits.Single();
        var plain = (await Index.SearchAsync(Tenant, new SearchQuery("wing slipstream"))).Hits.Single();

        Assert.Equal("Results &lt;b&gt;for&lt;/b&gt; <mark>wings</mark> in a propeller <mark>slipstream</mark> &amp; more", hit.Snippet);
        Assert.Null(plain.Snippet);
    }

    [Fact]
    public async Task Pages_and_date_sorting_are_stable()
    {
        var day = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Index.UpsertAsync(Tenant, Enumerable.Range(0, 7).Select(i => Doc($"d{i}", "wing") with { PublishedAt = i == 3 ? null : day.AddDays(i) }).ToList());

        var newest = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Sort = SearchSort.PublishedNewest, Top = 3 });
        var next = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Sort = SearchSort.PublishedNewest, Top = 3, Offset = 3 });
        var last = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Sort = SearchSort.PublishedNewest, Top = 3, Offset = 6 });
        var beyond = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Top = 3, Offset = 9 });

        Assert.Equal(["d6", "d5", "d4"], newest.Hits.Select(h => h.Id));
        Assert.Equal(["d2", "d1", "d0"], next.Hits.Select(h => h.Id));
        Assert.Equal(["d3"], last.Hits.Select(h => h.Id));
        Assert.Empty(beyond.Hits);
        Assert.Equal(7, beyond.Total);
    }

    [Fact]
    public async Task A_tenant_never_sees_another_tenants_documents_facets_or_suggestions()
    {
        var other = "o" + Guid.NewGuid().ToString("N")[..12];
        await Index.UpsertAsync(other, [Doc("secret", "confidential slipstream aerodynamics") with { Category = "private" }]);
        await Index.UpsertAsync(Tenant, [Doc("mine", "boundary layer") with { Category = "public" }]);

        var words = await Index.SearchAsync(Tenant, new SearchQuery("confidential slipstream") { Facets = ["category"] });
        var prefix = await Index.SearchAsync(Tenant, new SearchQuery("aerodyn*"));
        var typo = await Index.SearchAsync(Tenant, new SearchQuery("slipstraem"));
        var all = await Index.SearchAsync(Tenant, new SearchQuery("boundary") { Facets = ["category"] });

        Assert.Empty(words.Hits);
        Assert.Empty(words.Facets["category"]);
        Assert.Empty(prefix.Hits);
        Assert.Empty(prefix.Expansions.SelectMany(e => e.Value));
        Assert.False(typo.Expansions.ContainsKey("slipstraem"));
        Assert.Equal([new FacetCount("public", 1)], all.Facets["category"]);
        Assert.Null(await Index.GetAsync(Tenant, "secret"));
        Assert.Equal(0, await Index.DeleteAsync(Tenant, ["secret"]));
        Assert.Equal(1, await Index.CountAsync(other));
    }

    [Fact]
    public async Task Deleting_and_replacing_leave_scores_as_if_the_old_text_never_existed()
    {
        var fresh = "f" + Guid.NewGuid().ToString("N")[..12];
        await Index.UpsertAsync(Tenant, [Doc("a", "wing flow"), Doc("b", "wing wing theory"), Doc("c", "old words here flow")]);
        await Index.DeleteAsync(Tenant, ["c"]);
        await Index.UpsertAsync(Tenant, [Doc("b", "wing theory")]);
        await Index.UpsertAsync(fresh, [Doc("a", "wing flow"), Doc("b", "wing theory")]);

        var changed = await Index.SearchAsync(Tenant, new SearchQuery("wing flow words"));
        var expected = await Index.SearchAsync(fresh, new SearchQuery("wing flow words"));

        Assert.Equal(expected.Hits.Select(h => (h.Id, h.Score)), changed.Hits.Select(h => (h.Id, h.Score)));
    }

    [Fact]
    public async Task Reindexing_reports_progress_and_keeps_the_results()
    {
        var documents = Enumerable.Range(0, 600).Select(i => Doc($"d{i:D3}", $"wing number {i} flow {i % 7}")).ToList();
        var upserted = new List<SearchIndexingProgress>();
        await Index.UpsertAsync(Tenant, documents, new SyncProgress(upserted));
        var before = await Index.SearchAsync(Tenant, new SearchQuery("wing 5 flow") { Top = 20 });

        var reindexed = new List<SearchIndexingProgress>();
        Assert.Equal(600, await Index.ReindexAsync(Tenant, new SyncProgress(reindexed)));
        var after = await Index.SearchAsync(Tenant, new SearchQuery("wing 5 flow") { Top = 20 });

        Assert.True(upserted.Count >= 2, "a 600-document batch reports progress before it ends");
        Assert.Equal(new SearchIndexingProgress(600, 600), upserted[^1]);
        Assert.Equal(new SearchIndexingProgress(600, 600), reindexed[^1]);
        Assert.Equal(before.Hits.Select(h => (h.Id, h.Score)), after.Hits.Select(h => (h.Id, h.Score)));
        Assert.Equal(600, await Index.CountAsync(Tenant));
    }

    [Theory]
    [InlineData("wing' OR '1'='1")]
    [InlineData("wing & (flow | !theory):*")]
    [InlineData("wing); DROP TABLE search_documents; --")]
    [InlineData("wing\\ 'flow' \"")]
    public async Task Sql_and_tsquery_metacharacters_are_plain_text(string text)
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "wing flow"), Doc("b", "theory")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery(text));

        Assert.Contains("a", results.Hits.Select(h => h.Id));
        Assert.Equal(2, await Index.CountAsync(Tenant));
    }

    [Theory]
    [InlineData("'")]
    [InlineData("&|!:*()")]
    [InlineData("the of and")]
    [InlineData("\"\"")]
    public async Task A_query_with_nothing_searchable_gives_an_empty_answer(string text)
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "wing flow")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery(text));

        Assert.Empty(results.Hits);
        Assert.Equal(0, results.Total);
    }

    [Fact]
    public async Task Feedback_adds_the_best_hits_terms_so_related_documents_without_the_query_words_are_found()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "wing flutter"), Doc("b", "wing flutter"), Doc("c", "flutter damping"), Doc("d", "damping theory")]);
        var feedback = new QueryFeedback { FeedbackDocuments = 2, ExpansionTerms = 1, OriginalQueryWeight = 0.5 };

        var plain = await Index.SearchAsync(Tenant, new SearchQuery("wing"));
        var expanded = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Feedback = feedback, Highlight = true });

        // a and b are the feedback documents (P = 1/2 each); "flutter" and "wing" are equally probable in them and the tie
        // goes to "flutter" (ordinal). Expanded weights: wing 0.5, flutter 0.5. N = 4, every length 2, so a term with
        // tf 1 scores its idf.
        static double Idf(int df) => Math.Log(1 + ((4 - df + 0.5) / (df + 0.5)));
        Assert.Equal(["a", "b"], plain.Hits.Select(h => h.Id));
        Assert.Equal(["a", "b", "c"], expanded.Hits.Select(h => h.Id));
        Assert.Equal((0.5 * Idf(2)) + (0.5 * Idf(3)), expanded.Hits[0].Score, 5);
        Assert.Equal(0.5 * Idf(3), expanded.Hits[2].Score, 5);
        Assert.Equal(3, expanded.Total);
        Assert.Contains("<mark>wing</mark>", expanded.Hits[0].Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark>flutter</mark>", expanded.Hits[0].Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_with_no_first_pass_hit_changes_nothing()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "wing flutter")]);

        var results = await Index.SearchAsync(Tenant, new SearchQuery("wing") { Feedback = new QueryFeedback(), Filters = [SearchFilter.AnyOf("category", "none")] });

        Assert.Empty(results.Hits);
    }

    [Fact]
    public async Task Bad_queries_are_rejected_with_a_reason()
    {
        await Index.UpsertAsync(Tenant, [Doc("a", "wing")]);

        await AssertInvalidAsync("search_query_empty", new SearchQuery("  "));
        await AssertInvalidAsync("search_query_too_long", new SearchQuery(new string('a', 100 * 1024)));
        await AssertInvalidAsync("search_top_out_of_range", new SearchQuery("wing") { Top = 0 });
        await AssertInvalidAsync("search_top_out_of_range", new SearchQuery("wing") { Top = 10_000 });
        await AssertInvalidAsync("search_offset_out_of_range", new SearchQuery("wing") { Offset = -1 });
        await AssertInvalidAsync("search_filter_unknown_field", new SearchQuery("wing") { Filters = [SearchFilter.AnyOf("colour", "red")] });
        await AssertInvalidAsync("search_filter_invalid", new SearchQuery("wing") { Filters = [SearchFilter.AnyOf("category")] });
        await AssertInvalidAsync("search_filter_invalid", new SearchQuery("wing") { Filters = [SearchFilter.Between("published_at", DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch)] });
        await AssertInvalidAsync("search_facet_unknown_field", new SearchQuery("wing") { Facets = ["published_at"] });
        await AssertInvalidAsync("search_language_unsupported", new SearchQuery("wing") { Language = "xx" });
        await AssertInvalidAsync("search_feedback_invalid", new SearchQuery("wing") { Feedback = new QueryFeedback { FeedbackDocuments = 0 } });
        await AssertInvalidAsync("search_feedback_invalid", new SearchQuery("wing") { Feedback = new QueryFeedback { ExpansionTerms = 1_000 } });
        await AssertInvalidAsync("search_feedback_invalid", new SearchQuery("wing") { Feedback = new QueryFeedback { OriginalQueryWeight = double.NaN } });
    }

    [Fact]
    public async Task Bad_documents_are_rejected_and_nothing_of_the_batch_is_written()
    {
        async Task AssertRejectedAsync(string reason, params SearchDocument[] batch)
        {
            var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Index.UpsertAsync(Tenant, batch));
            Assert.Equal(reason, error.Reason);
            Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        }

        await AssertRejectedAsync("search_documents_missing");
        await AssertRejectedAsync("search_document_id_invalid", Doc("ok", "fine"), Doc(string.Empty, "x"));
        await AssertRejectedAsync("search_document_repeated", Doc("a", "x"), Doc("a", "y"));
        await AssertRejectedAsync("search_language_unsupported", Doc("a", "x") with { Language = "klingon" });
        await AssertRejectedAsync("search_document_invalid", Doc("a", "x\0y"));
        await AssertRejectedAsync("search_document_invalid", Doc("a", "x") with { Fields = new Dictionary<string, string> { ["bad name"] = "v" } });
        Assert.Equal(0, await Index.CountAsync(Tenant));
    }

    /// <summary>A document with only a body.</summary>
    protected static SearchDocument Doc(string id, string body) => new(id, string.Empty, body);

    private async Task AssertInvalidAsync(string reason, SearchQuery query)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Index.SearchAsync(Tenant, query));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
    }

    /// <summary>Records reports as they are made (Progress&lt;T&gt; would post them later, on the thread pool).</summary>
    private sealed class SyncProgress(List<SearchIndexingProgress> reports) : IProgress<SearchIndexingProgress>
    {
        public void Report(SearchIndexingProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
