namespace Allixios.Orchestration;

/// <summary>How many jobs of one type a tenant has in one state.</summary>
/// <param name="Type">The job type.</param>
/// <param name="State">The state.</param>
/// <param name="Count">How many; never zero (empty groups are left out).</param>
public sealed record JobCount(string Type, JobState State, long Count);
