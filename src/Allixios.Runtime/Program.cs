using Allixios;
using Allixios.Caching;
using Allixios.Diagnostics;
using Allixios.Runtime.Caching;
using Allixios.Runtime.Dashboard;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Hosting;
using Allixios.Runtime.Security;
using Allixios.Runtime.Services;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.OpenApi.Models;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

if (CommandLineVerbs.TryRun(args, out var verbExitCode))
{
    return await verbExitCode;
}

var builder = WebApplication.CreateBuilder(args);
ListenAddresses.ApplyDefaults(builder);

var runtimeOptions = builder.Configuration.GetSection(RuntimeOptions.SectionName).Get<RuntimeOptions>() ?? new RuntimeOptions();
builder.Services.AddOptionsWithValidateOnStart<RuntimeOptions>().BindConfiguration(RuntimeOptions.SectionName).ValidateDataAnnotations();
builder.Services.AddOptionsWithValidateOnStart<HttpCachingOptions>().BindConfiguration(HttpCachingOptions.SectionName).ValidateDataAnnotations();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = runtimeOptions.MaxRequestBodyBytes);

// The engine: embedded by default; PostgreSQL and Redis when their settings are present.
var allixios = builder.Services.AddAllixios();
builder.Services.AddOptions<AllixiosOptions>().BindConfiguration(AllixiosOptions.SectionName);
if (builder.Configuration["Allixios:Postgres:ConnectionString"] is { Length: > 0 } postgres)
{
    allixios.UsePostgres(postgres, o => builder.Configuration.GetSection("Allixios:Postgres").Bind(o));
}

if (builder.Configuration["Allixios:Redis:Configuration"] is { Length: > 0 } redis)
{
    allixios.UseRedis(redis);
}

allixios.AddCaching(o => builder.Configuration.GetSection(AllixiosCacheOptions.SectionName).Bind(o));

// The job engine, on the same PostgreSQL when configured. Its worker runs only handlers compiled into the runtime (the
// built-in content.generate, added below); job types declared in configuration wait for an external worker.
allixios.AddOrchestration();
builder.Services.AddOptions<Allixios.Orchestration.OrchestrationOptions>().BindConfiguration(Allixios.Orchestration.OrchestrationOptions.SectionName);
builder.Services.AddOptions<Allixios.Orchestration.CronOptions>().BindConfiguration(Allixios.Orchestration.CronOptions.SectionName);
ConfiguredJobTypes.AddTo(allixios, builder.Configuration);

// Semantic and hybrid modes are opt-in (Allixios:Search:Semantic:Enabled=true): documents are then embedded on upsert by
// the local MiniLM model (Allixios:Embeddings) into the vector index; without it the runtime never loads a model.
// Before AddAiRouting: the first embedding generator registered wins, and the router's would need deployments.
if (builder.Configuration.GetValue<bool>("Allixios:Search:Semantic:Enabled"))
{
    allixios.AddSemanticSearch(o => builder.Configuration.GetSection(Allixios.Search.Hybrid.SemanticSearchOptions.SectionName).Bind(o));
    builder.Services.AddOptions<Allixios.Search.Embeddings.LocalEmbeddingOptions>().BindConfiguration(Allixios.Search.Embeddings.LocalEmbeddingOptions.SectionName);
}

// The AI router: providers, deployments and policies from Allixios:AiRouting (none configured: no model to route to).
allixios.AddAiRouting(o => builder.Configuration.GetSection(Allixios.AiRouting.AiRoutingOptions.SectionName).Bind(o));

// The AI response cache (exact and semantic; off unless a call, its tenant or Allixios:AiRouting:ResponseCache asks) and
// fine-tuning on the router's OpenAI-compatible providers (Allixios:AiRouting:FineTuning).
allixios.AddAiResponseCache(o => builder.Configuration.GetSection(Allixios.AiRouting.Caching.AiResponseCacheOptions.SectionName).Bind(o));
// Quality scoring (the judge asks the router) and model recommendations from the quality and usage ledgers.
allixios.AddQualityScoring(o => builder.Configuration.GetSection(Allixios.Quality.QualityScoringOptions.SectionName).Bind(o));
allixios.AddAiFineTuning(o => builder.Configuration.GetSection(Allixios.AiRouting.FineTuning.AiFineTuningOptions.SectionName).Bind(o));
// Job results, and the built-in content.generate handler (Allixios:Content:Generation) that the runtime's worker runs.
BuiltInJobTypes.AddTo(allixios, builder.Configuration);

// Search: in memory, or on the same PostgreSQL when configured.
allixios.AddSearch(o => builder.Configuration.GetSection(Allixios.Search.SearchOptions.SectionName).Bind(o));
builder.Services.AddOptions<Allixios.Search.Hybrid.HybridSearchOptions>().BindConfiguration(Allixios.Search.Hybrid.HybridSearchOptions.SectionName);

// Recommendations, the query log, clicks, A/B tests and the result cache (through AddCaching's cache).
allixios.AddSearchDiscovery(o => builder.Configuration.GetSection(Allixios.Search.Discovery.SearchDiscoveryOptions.SectionName).Bind(o));

// Budgets, the usage ledger and resource rate limits (added by AddOrchestration; bound here from configuration).
builder.Services.AddOptions<Allixios.Usage.UsageOptions>().BindConfiguration(Allixios.Usage.UsageOptions.SectionName);
builder.Services.AddOptions<Allixios.Orchestration.JobAdmissionOptions>().BindConfiguration(Allixios.Orchestration.JobAdmissionOptions.SectionName);

// Webhooks: subscriptions, the outbox (on the same PostgreSQL when configured) and the dispatcher (Allixios:Webhooks).
allixios.AddWebhooks(o => builder.Configuration.GetSection(Allixios.Webhooks.WebhookOptions.SectionName).Bind(o));

// n8n: the bridge to the n8n of N8n:BaseAddress and N8n:ApiKey, versions on the same PostgreSQL when configured.
N8nBridgeConfiguration.AddTo(builder.Services, builder.Configuration);

// Nothing the runtime serves is protected by data protection (no cookies); keep its keys in memory, not on disk.
builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

// One contract, two protocols: the gRPC services are also served as HTTP/JSON under /v1 by JSON transcoding.
builder.Services.AddGrpc(o =>
{
    o.MaxReceiveMessageSize = runtimeOptions.MaxRequestBodyBytes;
    o.EnableDetailedErrors = false;
    o.Interceptors.Add<ErrorMappingInterceptor>();
    o.Interceptors.Add<ApiKeyInterceptor>();
}).AddJsonTranscoding();
builder.Services.AddGrpcReflection();
builder.Services.AddGrpcHealthChecks(o => o.Services.Map(string.Empty, check => check.Tags.Contains("ready")))
    .AddCheck<StartedHealthCheck>("started", tags: ["ready"]);
builder.Services.AddGrpcSwagger();
builder.Services.AddSwaggerGen(o =>
{
    o.SwaggerDoc("v1", new OpenApiInfo { Title = "Allixios API", Version = "v1", Description = "The Allixios runtime's HTTP/JSON API, transcoded from its gRPC contract." });
    // The .proto comments (compiled into the runtime's XML docs) describe each route and field in the document, which
    // the n8n node descriptions are generated from (src/Allixios.N8nBridge.ContractGenerator).
    var protoComments = Path.Combine(AppContext.BaseDirectory, "Allixios.Runtime.xml");
    if (File.Exists(protoComments))
    {
        o.IncludeXmlComments(protoComments);
        o.IncludeGrpcXmlComments(protoComments, includeControllerXmlComments: true);
    }

    var apiKey = new OpenApiSecurityScheme
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        Description = "An Allixios API key, sent as 'Authorization: Bearer <key>' (or 'X-Api-Key: <key>').",
        Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "ApiKey" },
    };
    o.AddSecurityDefinition("ApiKey", apiKey);
    o.AddSecurityRequirement(new OpenApiSecurityRequirement { [apiKey] = [] });
    o.DocumentFilter<ProblemResponsesDocumentFilter>();
});

builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("allixios-runtime"))
    .WithMetrics(metrics => metrics
    .AddMeter(AllixiosTelemetry.Name)
    // ASP.NET Core's meters named one by one rather than all of them (AddAspNetCoreInstrumentation): HTTP server
    // requests, Kestrel's connections and handled exceptions. Left out are the ones that record on every request what
    // these already say or that a runtime operator rarely reads (routing match attempts, authentication durations, the
    // memory pool's every rent), a few per cent of each API call's CPU, and those of features the runtime does not use
    // (SignalR, Blazor, Identity, rate limiting, authorization).
    .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics")
    .AddPrometheusExporter());

var app = builder.Build();

app.Use((context, next) =>
{
    // gRPC enforces its own per-message limit (MaxReceiveMessageSize → ResourceExhausted); Kestrel's whole-body
    // limit would instead cut the stream with an opaque error.
    if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
        && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
    {
        bodySize.MaxRequestBodySize = null;
    }

    return next(context);
});
app.UseMiddleware<ProblemDetailsMiddleware>();
app.Use(EmptyJsonBody.ApplyAsync);

// HTTP caching headers sit inside ProblemDetailsMiddleware, so that errors reach it untouched (it only handles 200s)
// and a failure of its own still becomes problem+json; and outside the endpoints, so that a 304 is decided only after
// the handler ran its API-key and scope checks (ApiKeyInterceptor, only where a caller is needed) and answered 200 to
// this very caller. Routing comes after it (not at the start, where WebApplication would put it) so that a HEAD it
// turns into a GET is routed to the GET endpoint.
app.UseMiddleware<HttpCachingMiddleware>();
app.UseRouting();

app.MapGrpcService<TenantsService>();
app.MapGrpcService<ApiKeysService>();
app.MapGrpcService<IdentityService>();
app.MapGrpcService<CacheService>();
app.MapGrpcService<JobsService>();
app.MapGrpcService<AiService>();
AiCompletionEndpoint.Map(app);
app.MapGrpcService<AiCacheService>();
app.MapGrpcService<FineTuningService>();
app.MapGrpcService<SearchService>();
app.MapGrpcService<SearchDiscoveryService>();
app.MapGrpcService<CronSchedulesService>();
app.MapPost(AiEventStream.Route, AiEventStream.HandleAsync).ExcludeFromDescription();
app.MapGrpcService<BudgetsService>();
app.MapGrpcService<UsageService>();
app.MapGrpcService<QualityService>();
app.MapGrpcService<WebhooksService>();
app.MapGrpcService<N8nWorkflowsService>();
app.MapGet(JobEventStream.Route, JobEventStream.HandleAsync).ExcludeFromDescription();
app.MapGet(JobsDashboard.PageRoute, JobsDashboard.ServePageAsync).ExcludeFromDescription();
app.MapGet(JobsDashboard.DataRoute, JobsDashboard.ServeDataAsync).ExcludeFromDescription();
app.MapGrpcReflectionService();
app.MapGrpcHealthChecksService();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");

// The OpenAPI document and its UI run only on their own paths, not in front of every API call (the UI's static-file
// and path checks were work on the hot path).
app.UseWhen(
    context => context.Request.Path.StartsWithSegments("/openapi") || context.Request.Path.StartsWithSegments("/docs"),
    docs =>
    {
        docs.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        docs.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Allixios API v1");
            o.DocumentTitle = "Allixios API reference";
        });
    });

ListenAddresses.PrintWhenStarted(app);
await app.RunAsync();
return 0;

/// <summary>The runtime's entry point; public so that tests can reference the assembly.</summary>
public partial class Program;
