using System.Collections.Concurrent;
using Allixios.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Allixios.AiRouting.FineTuning;

/// <summary>
/// Follows fine-tuning jobs until they end: every <see cref="AiFineTuningOptions.PollInterval"/> it asks the provider
/// about each tracked job, and when one succeeds registers its model (<see cref="AiFineTuningClient.Register"/>). At
/// start it looks up the jobs of <see cref="AiFineTuningOptions.ResumeProviders"/>, so that models trained before a
/// restart are served again and jobs still running are followed. A poll that fails is retried at the next interval.
/// </summary>
public sealed class AiFineTuningTracker : BackgroundService
{
    private readonly AiFineTuningClient _client;
    private readonly AiFineTuningOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Provider, string Id), AiFineTuningJob> _jobs = new();

    /// <summary>Creates the tracker.</summary>
    public AiFineTuningTracker(AiFineTuningClient client, IOptions<AiFineTuningOptions> options, TimeProvider timeProvider, ILogger<AiFineTuningTracker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger ?? NullLogger<AiFineTuningTracker>.Instance;
    }

    /// <summary>The jobs being followed, as last seen.</summary>
    public IReadOnlyCollection<AiFineTuningJob> Tracked => [.. _jobs.Values];

    /// <summary>Follows <paramref name="job"/> until it ends; a job that already succeeded has its model registered at once.</summary>
    public void Track(AiFineTuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.IsTerminal)
        {
            _client.Register(job);
            return;
        }

        _jobs[(job.Provider, job.Id)] = job;
    }

    /// <summary>Asks the provider once about every tracked job; registers the models of those that succeeded and stops following every job that ended.</summary>
    /// <returns>The jobs that ended in this poll.</returns>
    public async Task<IReadOnlyList<AiFineTuningJob>> PollAsync(CancellationToken cancellationToken = default)
    {
        var ended = new List<AiFineTuningJob>();
        foreach (var ((provider, id), _) in _jobs)
        {
            AiFineTuningJob current;
            try
            {
                current = await _client.GetAsync(provider, id, cancellationToken: cancellationToken);
            }
            catch (AllixiosException ex) when (ex.Kind == AllixiosErrorKind.NotFound)
            {
                _jobs.TryRemove((provider, id), out _);
                _logger.LogWarning(AllixiosLogEvents.FineTuningPollFailed, "Fine-tuning job {JobId} on {Provider} no longer exists; it is no longer tracked.", id, provider);
                continue;
            }
            catch (Exception ex) when (ex is AiProviderException or AllixiosException && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(AllixiosLogEvents.FineTuningPollFailed, ex, "Polling fine-tuning job {JobId} on {Provider} failed; trying again at the next interval.", id, provider);
                continue;
            }

            if (!current.IsTerminal)
            {
                _jobs[(provider, id)] = current;
                continue;
            }

            _jobs.TryRemove((provider, id), out _);
            ended.Add(current);
            if (_client.Register(current) is { } deployment)
            {
                _logger.LogInformation(AllixiosLogEvents.FineTunedModelRegistered, "Fine-tuning job {JobId} succeeded; model {Model} is registered as deployment {Deployment}.", id, current.FineTunedModel, deployment.Id);
            }
            else
            {
                _logger.LogWarning(AllixiosLogEvents.FineTuningPollFailed, "Fine-tuning job {JobId} on {Provider} ended {Status}: {Error}", id, provider, current.Status, current.ErrorMessage);
            }
        }

        return ended;
    }

    /// <summary>Looks up the jobs of <see cref="AiFineTuningOptions.ResumeProviders"/>: registers succeeded ones, tracks the rest that have not ended.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        foreach (var provider in _options.ResumeProviders)
        {
            try
            {
                foreach (var job in await _client.ListAsync(provider, limit: 100, cancellationToken: cancellationToken))
                {
                    Track(job);
                }
            }
            catch (Exception ex) when (ex is AiProviderException or AllixiosException && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(AllixiosLogEvents.FineTuningPollFailed, ex, "Looking up the fine-tuning jobs of {Provider} failed; models it trained before are not registered until a job is tracked again.", provider);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeAsync(stoppingToken);
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!_jobs.IsEmpty)
            {
                await PollAsync(stoppingToken);
            }
        }
    }
}
