using Allixios;
using Allixios.Search.Vectors;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the vector index to Allixios.</summary>
public static class AllixiosVectorIndexBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IVectorIndex"/>: with <c>.UsePostgres(…)</c> (before or after this call) pgvector with HNSW
    /// (<see cref="PostgresVectorIndex"/>), else the embedded default in memory (<see cref="InMemoryVectorIndex"/>).
    /// Calling it again adds nothing twice.
    /// </summary>
    public static IAllixiosBuilder AddVectorIndex(this IAllixiosBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IVectorIndex>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresVectorIndex(dataSource)
            : new InMemoryVectorIndex());
        return builder;
    }
}
