using System.Text.RegularExpressions;
using Allixios;
using Allixios.Orchestration;
using Allixios.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds webhooks to Allixios.</summary>
public static partial class AllixiosWebhooksBuilderExtensions
{
    /// <summary>
    /// Adds webhooks: <see cref="WebhookClient"/> for subscriptions and the outbox, the <see cref="IWebhookStore"/>
    /// (PostgreSQL when <c>UsePostgres</c> is called, in either order; else in memory, fed by the in-memory job queue),
    /// the job events in the <see cref="WebhookEventCatalog"/>, and the hosted <see cref="WebhookDispatcher"/>. Calling it
    /// again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddWebhooks(this IAllixiosBuilder builder, Action<WebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<WebhookOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(s => s.ServiceType == typeof(WebhookEventCatalog)))
        {
            foreach (var type in WebhookEventCatalog.JobEvents)
            {
                services.AddSingleton(type);
            }
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WebhookEventCatalog(sp.GetServices<WebhookEventType>()));
        services.TryAddSingleton<InMemoryWebhookStore>();
        // Decided when first resolved, so that UsePostgres may come before or after AddWebhooks. The in-memory store is
        // also the in-memory queue's observer (the PostgreSQL queue needs none: migration 0014's trigger does its part).
        services.TryAddSingleton<IWebhookStore>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresWebhookStore(dataSource)
            : sp.GetRequiredService<InMemoryWebhookStore>());
        services.TryAddSingleton<IJobStateObserver>(sp => sp.GetRequiredService<InMemoryWebhookStore>());
        services.TryAddSingleton<WebhookClient>();
        if (!services.Any(s => s.ServiceType == typeof(WebhookDispatcher)))
        {
            services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            services.AddSingleton<WebhookDispatcher>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WebhookDispatcher>());
        }

        return builder;
    }

    /// <summary>
    /// Registers an event type that subscriptions may name and <see cref="WebhookClient.PublishAsync"/> may publish (for
    /// a capability's own events, e.g. <c>content.published</c>). Adds webhooks if needed.
    /// </summary>
    /// <param name="builder">The Allixios builder.</param>
    /// <param name="name">Lower-case letters and digits in parts joined by <c>.</c> or <c>_</c>, up to 100 characters.</param>
    /// <param name="description">When it is sent, for people choosing what to subscribe to.</param>
    public static IAllixiosBuilder AddWebhookEventType(this IAllixiosBuilder builder, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        if (name.Length > 100 || !EventTypeName().IsMatch(name))
        {
            throw new ArgumentException($"Webhook event type '{name}' is not a valid name: use lower-case letters and digits in parts joined by '.' or '_', up to 100 characters (e.g. 'content.published').", nameof(name));
        }

        builder.AddWebhooks();
        builder.Services.AddSingleton(new WebhookEventType(name, description));
        return builder;
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:[._][a-z0-9]+)+\z", RegexOptions.CultureInvariant)]
    private static partial Regex EventTypeName();
}
