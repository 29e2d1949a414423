using Microsoft.Extensions.DependencyInjection;

namespace Allixios;

/// <summary>
/// Returned by <c>AddAllixios</c>; each capability and each production store adds itself to it
/// (<c>.UsePostgres(…)</c>, <c>.UseRedis(…)</c>, and later <c>.AddOrchestration(…)</c>, <c>.AddAiRouting(…)</c>).
/// </summary>
public interface IAllixiosBuilder
{
    /// <summary>The service collection Allixios registers into.</summary>
    IServiceCollection Services { get; }
}
