using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Webhooks;

/// <summary>
/// The production <see cref="IWebhookStore"/>: the tables of migration <c>0014_webhooks</c>. Job events are written by
/// that migration's trigger on <c>jobs</c>, in the transaction of each job's change; <see cref="PublishAsync"/> and other
/// capabilities call its <c>allixios_webhook_publish</c> function. Dispatchers of any number of processes claim due
/// messages with <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class PostgresWebhookStore(NpgsqlDataSource dataSource) : IWebhookStore
{
    private const string SubscriptionColumns = "subscription_id, tenant_id, url, event_types, secret, enabled, description, disabled_reason, created_at, updated_at";

    private const string MessageColumns = """
        m.message_id, m.position, m.tenant_id, m.subscription_id, m.event_type, m.payload::text, m.created_at, m.state, m.attempts,
        m.next_attempt_at, m.last_attempt_at, m.delivered_at, m.last_status_code, m.last_error
        """;

    /// <inheritdoc />
    public async ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, subscription.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"INSERT INTO webhook_subscriptions ({SubscriptionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        AddSubscription(command, subscription);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE subscription_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new() { Value = subscriptionId });
        command.Parameters.Add(new() { Value = tenantId });
        return (await ReadSubscriptionsAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY created_at, subscription_id");
        command.Parameters.Add(new() { Value = tenantId });
        return await ReadSubscriptionsAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, subscription.TenantId, cancellationToken);
        await using var command = scope.CreateCommand("""
            UPDATE webhook_subscriptions SET url = $3, event_types = $4, secret = $5, enabled = $6, description = $7, disabled_reason = $8, updated_at = $10
            WHERE subscription_id = $1 AND tenant_id = $2
            """);
        AddSubscription(command, subscription);
        var updated = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return updated;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("DELETE FROM webhook_subscriptions WHERE subscription_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new() { Value = subscriptionId });
        command.Parameters.Add(new() { Value = tenantId });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<int> PublishAsync(string tenantId, string eventType, string dataJson, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT allixios_webhook_publish($1, $2, $3, $4)");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = eventType });
        command.Parameters.Add(new() { Value = dataJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(Time(at));
        var written = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        await scope.CommitAsync(cancellationToken);
        return written;
    }

    /// <inheritdoc />
    public async ValueTask<WebhookMessage?> AddMessageAsync(string tenantId, Guid subscriptionId, string eventType, string dataJson, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH m AS (
                INSERT INTO webhook_messages (message_id, tenant_id, subscription_id, event_type, payload, created_at, state, next_attempt_at)
                SELECT gen_random_uuid(), s.tenant_id, s.subscription_id, $3,
                       jsonb_build_object('type', $3::text, 'timestamp', to_char($5 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'data', $4::jsonb),
                       $5, 'pending', $5
                FROM webhook_subscriptions s WHERE s.subscription_id = $1 AND s.tenant_id = $2
                RETURNING *
            )
            SELECT {MessageColumns} FROM m
            """);
        command.Parameters.Add(new() { Value = subscriptionId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = eventType });
        command.Parameters.Add(new() { Value = dataJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(Time(at));
        var message = (await ReadMessagesAsync(command, cancellationToken)).SingleOrDefault();
        await scope.CommitAsync(cancellationToken);
        return message;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(DateTimeOffset now, int maxMessages, DateTimeOffset claimUntil, CancellationToken cancellationToken = default)
    {
        var token = Guid.NewGuid();
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH due AS (
                SELECT m.message_id FROM webhook_messages m JOIN webhook_subscriptions s ON s.subscription_id = m.subscription_id
                WHERE m.state = 'pending' AND m.next_attempt_at <= $1 AND s.enabled
                ORDER BY m.next_attempt_at, m.position LIMIT $2
                FOR UPDATE OF m SKIP LOCKED
            ), m AS (
                UPDATE webhook_messages w SET next_attempt_at = $3, claim_token = $4 FROM due WHERE w.message_id = due.message_id
                RETURNING w.*
            )
            SELECT {MessageColumns}, s.url, s.secret FROM m JOIN webhook_subscriptions s ON s.subscription_id = m.subscription_id
            ORDER BY m.position
            """);
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new() { Value = maxMessages });
        command.Parameters.Add(Time(claimUntil));
        command.Parameters.Add(new() { Value = token });
        var claimed = new List<WebhookDelivery>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new WebhookDelivery(ReadMessage(reader), reader.GetString(14), reader.GetString(15), token));
            }
        }

        await scope.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RecordAttemptAsync(WebhookDelivery delivery, WebhookAttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(record);
        var attempt = record.Attempt;
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand("""
            WITH changed AS (
                UPDATE webhook_messages SET state = $3, attempts = attempts + 1, next_attempt_at = $4, last_attempt_at = $5,
                    delivered_at = CASE WHEN $3 = 'delivered' THEN $5 ELSE delivered_at END, last_status_code = $6, last_error = $9, claim_token = NULL
                WHERE message_id = $1 AND claim_token = $2
                RETURNING message_id, tenant_id, subscription_id
            ), logged AS (
                INSERT INTO webhook_attempts (message_id, tenant_id, at, status_code, duration, response_excerpt, error, succeeded)
                SELECT message_id, tenant_id, $5, $6, $7, $8, $9, $10 FROM changed
            ), disabled AS (
                UPDATE webhook_subscriptions s SET enabled = false, disabled_reason = $11, updated_at = $5
                FROM changed c WHERE $11 IS NOT NULL AND s.subscription_id = c.subscription_id
            )
            SELECT count(*) FROM changed
            """);
        command.Parameters.Add(new() { Value = delivery.Message.Id });
        command.Parameters.Add(new() { Value = delivery.ClaimToken });
        command.Parameters.Add(new() { Value = WebhookMessageStates.ToName(record.State) });
        command.Parameters.Add(Time(record.NextAttemptAt));
        command.Parameters.Add(Time(attempt.At));
        command.Parameters.Add(new() { Value = (object?)attempt.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = attempt.Duration, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(Text(attempt.ResponseExcerpt));
        command.Parameters.Add(Text(attempt.Error));
        command.Parameters.Add(new() { Value = attempt.Succeeded });
        command.Parameters.Add(Text(record.DisableSubscription));
        var recorded = (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
        await scope.CommitAsync(cancellationToken);
        return recorded;
    }

    /// <inheritdoc />
    public async ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {MessageColumns} FROM webhook_messages m WHERE m.message_id = $1 AND m.tenant_id = $2");
        command.Parameters.Add(new() { Value = messageId });
        command.Parameters.Add(new() { Value = tenantId });
        return (await ReadMessagesAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookMessage>> ListMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, query.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            SELECT {MessageColumns} FROM webhook_messages m
            WHERE m.tenant_id = $1 AND ($2::uuid IS NULL OR m.subscription_id = $2) AND ($3::text IS NULL OR m.state = $3) AND ($4::bigint IS NULL OR m.position < $4)
            ORDER BY m.position DESC
            LIMIT $5
            """);
        command.Parameters.Add(new() { Value = query.TenantId });
        command.Parameters.Add(new() { Value = (object?)query.SubscriptionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(Text(query.State is { } state ? WebhookMessageStates.ToName(state) : null));
        command.Parameters.Add(new() { Value = (object?)query.Before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = query.Limit });
        return await ReadMessagesAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("""
            SELECT message_id, at, status_code, duration, response_excerpt, error, succeeded
            FROM webhook_attempts WHERE message_id = $1 AND tenant_id = $2 ORDER BY attempt_id
            """);
        command.Parameters.Add(new() { Value = messageId });
        command.Parameters.Add(new() { Value = tenantId });
        var attempts = new List<WebhookAttempt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts.Add(new WebhookAttempt(
                reader.GetGuid(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.GetFieldValue<TimeSpan>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetBoolean(6)));
        }

        return attempts;
    }

    /// <inheritdoc />
    public async ValueTask<WebhookMessage?> RedeliverAsync(string tenantId, Guid messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH m AS (
                UPDATE webhook_messages SET state = 'pending', attempts = 0, next_attempt_at = $3, claim_token = NULL
                WHERE message_id = $1 AND tenant_id = $2
                RETURNING *
            )
            SELECT {MessageColumns} FROM m
            """);
        command.Parameters.Add(new() { Value = messageId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(Time(now));
        var message = (await ReadMessagesAsync(command, cancellationToken)).SingleOrDefault();
        await scope.CommitAsync(cancellationToken);
        return message;
    }

    private static void AddSubscription(NpgsqlCommand command, WebhookSubscription s)
    {
        command.Parameters.Add(new() { Value = s.Id });
        command.Parameters.Add(new() { Value = s.TenantId });
        command.Parameters.Add(new() { Value = s.Url });
        command.Parameters.Add(new() { Value = s.EventTypes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = s.Secret });
        command.Parameters.Add(new() { Value = s.Enabled });
        command.Parameters.Add(new() { Value = s.Description });
        command.Parameters.Add(Text(s.DisabledReason));
        command.Parameters.Add(Time(s.CreatedAt));
        command.Parameters.Add(Time(s.UpdatedAt));
    }

    private static async Task<List<WebhookSubscription>> ReadSubscriptionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new WebhookSubscription(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<string[]>(3),
                reader.GetString(4),
                reader.GetBoolean(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return list;
    }

    private static async Task<List<WebhookMessage>> ReadMessagesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<WebhookMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadMessage(reader));
        }

        return list;
    }

    private static WebhookMessage ReadMessage(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetGuid(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        WebhookMessageStates.TryParse(reader.GetString(7)) ?? throw new InvalidOperationException($"Unknown webhook message state '{reader.GetString(7)}'."),
        reader.GetInt32(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
        reader.IsDBNull(12) ? null : reader.GetInt32(12),
        reader.IsDBNull(13) ? null : reader.GetString(13));

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
