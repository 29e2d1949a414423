using System.Globalization;
using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.AI;

namespace Allixios.Runtime.Services;

/// <summary>The AI router over gRPC and HTTP/JSON, completions through the response cache; the caller's tenant's routing policy applies.</summary>
internal sealed class AiService(AiRouter router, AiCachingChatClient chat) : Contracts.V1.Ai.AiBase
{
    public override async Task<CompleteResponse> Complete(CompleteRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiWrite);
        var (messages, options) = ToChat(request, caller);
        var response = await Upstream(context, () => chat.GetResponseAsync(messages, options, context.CancellationToken));
        return ToCompleteResponse(response);
    }

    internal static CompleteResponse ToCompleteResponse(ChatResponse response) => new()
    {
        Text = response.Text,
        FinishReason = response.FinishReason?.Value ?? "",
        Usage = ToUsage(response.GetUsageReport()),
        CacheHit = ToCacheHit(response.AdditionalProperties),
    };

    public override async Task StreamComplete(CompleteRequest request, IServerStreamWriter<CompleteChunk> responseStream, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiWrite);
        var (messages, options) = ToChat(request, caller);
        await Upstream(context, async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync(messages, options, context.CancellationToken))
            {
                var report = update.GetUsageReport();
                var text = update.Text;
                if (report is null && text.Length == 0 && update.FinishReason is null)
                {
                    continue;
                }

                await responseStream.WriteAsync(new CompleteChunk { Text = text, FinishReason = update.FinishReason?.Value ?? "", Usage = ToUsage(report), CacheHit = ToCacheHit(update.AdditionalProperties) }, context.CancellationToken);
            }

            return true;
        });
    }

    public override async Task<EmbedResponse> Embed(EmbedRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiWrite);
        var options = new EmbeddingGenerationOptions
        {
            ModelId = string.IsNullOrEmpty(request.Model) ? null : request.Model,
            Dimensions = request.HasDimensions ? request.Dimensions : null,
            AdditionalProperties = new() { [AiRouter.TenantIdProperty] = caller.TenantId, [AiRouter.ApiKeyIdProperty] = caller.KeyId },
        };
        var generated = await Upstream(context, () => router.GenerateAsync(request.Inputs, options, context.CancellationToken));
        var response = new EmbedResponse { Usage = ToUsage(generated.GetUsageReport()) };
        foreach (var embedding in generated)
        {
            var vector = new EmbeddingVector();
            vector.Values.AddRange(embedding.Vector.ToArray());
            response.Embeddings.Add(vector);
        }

        return response;
    }

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiRead);
        var response = new ListModelsResponse();
        // A model fine-tuned for one tenant is listed to that tenant only.
        var visible = router.Catalog.Deployments.Where(d => d.OwnerTenantId is null || d.OwnerTenantId == caller.TenantId);
        foreach (var group in visible.GroupBy(d => d.Model.Name, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var model = group.First().Model;
            var info = new AiModelInfo
            {
                Name = model.Name,
                ProviderFamily = model.ProviderFamily ?? "",
                ContextWindow = model.ContextWindow,
                MaxOutputTokens = model.MaxOutputTokens,
                InputCostPerToken = Money(model.InputCostPerToken),
                OutputCostPerToken = Money(model.OutputCostPerToken),
                CachedInputCostPerToken = Money(model.CachedInputCostPerToken),
                QualityPrior = model.QualityPrior,
            };
            foreach (var capability in System.Enum.GetValues<AiCapabilities>())
            {
                if (capability != AiCapabilities.None && model.Capabilities.HasFlag(capability))
                {
                    info.Capabilities.Add(capability == AiCapabilities.JsonMode ? "json_mode" : capability.ToString().ToLowerInvariant());
                }
            }

            info.Deployments.AddRange(group.Select(d => d.Id));
            response.Models.Add(info);
        }

        return Task.FromResult(response);
    }

    private static Caller Authorize(ServerCallContext context, string scope)
    {
        var caller = Caller.From(context);
        caller.Require(scope);
        return caller;
    }

    internal static (List<ChatMessage> Messages, ChatOptions Options) ToChat(CompleteRequest request, Caller caller)
    {
        var messages = new List<ChatMessage>(request.Messages.Count);
        foreach (var turn in request.Messages)
        {
            var role = turn.Role switch
            {
                "system" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_role", $"A message has role '{turn.Role}'; use system, user or assistant."),
            };
            messages.Add(new ChatMessage(role, turn.Content));
        }

        var options = new ChatOptions
        {
            ModelId = string.IsNullOrEmpty(request.Model) ? null : request.Model,
            MaxOutputTokens = request.HasMaxOutputTokens ? request.MaxOutputTokens : null,
            Temperature = request.HasTemperature ? request.Temperature : null,
            ResponseFormat = request.Json ? ChatResponseFormat.Json : null,
            AdditionalProperties = new() { [AiRouter.TenantIdProperty] = caller.TenantId, [AiRouter.ApiKeyIdProperty] = caller.KeyId },
        };
        if (request.Cache.Length > 0)
        {
            // The cache checks the name and refuses one it does not know with what to send instead.
            options.AdditionalProperties[AiCachingChatClient.CacheModeProperty] = request.Cache;
        }

        return (messages, options);
    }

    /// <summary>Provider failures become UNAVAILABLE (RESOURCE_EXHAUSTED for rate limits) with a stable reason; bad input stays an AllixiosException.</summary>
    private static async Task<T> Upstream<T>(ServerCallContext context, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AiProviderException e)
        {
            throw ToRpcException(e, context.GetHttpContext());
        }
    }

    internal static RpcException ToRpcException(AiProviderException error, HttpContext http)
    {
        var (code, reason) = error.Kind switch
        {
            AiFailureKind.RateLimited => (StatusCode.ResourceExhausted, "ai_provider_rate_limited"),
            AiFailureKind.StreamInterrupted => (StatusCode.Unavailable, "ai_stream_interrupted"),
            _ => (StatusCode.Unavailable, "ai_provider_unavailable"),
        };
        return ErrorMapping.WithReason(new Status(code, error.Message), http, reason);
    }

    internal static AiUsage? ToUsage(AiUsageReport? report) => report is null ? null : new AiUsage
    {
        Deployment = report.DeploymentId,
        Provider = report.ProviderName,
        Model = report.Model,
        InputTokens = report.InputTokens,
        CachedInputTokens = report.CachedInputTokens,
        OutputTokens = report.OutputTokens,
        Estimated = report.UsageEstimated,
        Cost = Money(report.Cost),
        MaximumCost = Money(report.MaximumCost),
        Attempts = report.Attempts,
        Latency = Duration.FromTimeSpan(report.Latency),
    };

    internal static Contracts.V1.AiCacheHit? ToCacheHit(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(Allixios.AiRouting.Caching.AiCacheHit.PropertyName, out var value) == true && value is Allixios.AiRouting.Caching.AiCacheHit hit
            ? new Contracts.V1.AiCacheHit
            {
                Kind = hit.Kind == AiCacheMode.Semantic ? "semantic" : "exact",
                EntryId = hit.EntryId,
                Similarity = hit.Similarity,
                CachedAt = Timestamp.FromDateTimeOffset(hit.CachedAt),
            }
            : null;

    private static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
