using Allixios.AiRouting.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>The AI response cache's counts and false-hit reports over gRPC and HTTP/JSON, for the caller's tenant.</summary>
internal sealed class AiCacheService(AiCachingChatClient cache) : Contracts.V1.AiCache.AiCacheBase
{
    public override Task<AiCacheStats> GetStats(GetAiCacheStatsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(request.AllTenants ? ApiScopes.Admin : ApiScopes.AiRead);
        var stats = cache.GetStats(caller.TenantId, request.AllTenants);
        return Task.FromResult(new AiCacheStats
        {
            ExactHits = stats.ExactHits,
            ExactMisses = stats.ExactMisses,
            SemanticHits = stats.SemanticHits,
            SemanticMisses = stats.SemanticMisses,
            Stores = stats.Stores,
            Skipped = stats.Skipped,
            ExactFalseHits = stats.ExactFalseHits,
            SemanticFalseHits = stats.SemanticFalseHits,
            SemanticFalseHitRate = stats.SemanticFalseHitRate,
        });
    }

    public override async Task<ReportFalseHitResponse> ReportFalseHit(ReportFalseHitRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.AiWrite);
        if (!await cache.ReportFalseHitAsync(caller.TenantId, request.EntryId, context.CancellationToken))
        {
            throw new AllixiosException(AllixiosErrorKind.NotFound, "cache_entry_not_found", $"No cached answer {request.EntryId} exists for this tenant: it was already reported, expired, or is another tenant's.");
        }

        return new ReportFalseHitResponse();
    }
}
