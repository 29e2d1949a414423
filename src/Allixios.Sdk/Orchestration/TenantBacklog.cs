namespace Allixios.Orchestration;

/// <summary>One tenant's part of the queue, as the fair scheduler sees it.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Available">Its jobs a worker could lease now (available, or scheduled/retrying and due), of the types asked about.</param>
/// <param name="Running">Its running jobs of every type, on every replica.</param>
public sealed record TenantBacklog(string TenantId, long Available, long Running);
