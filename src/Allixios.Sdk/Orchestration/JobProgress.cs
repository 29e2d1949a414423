namespace Allixios.Orchestration;

/// <summary>How far a running job has got, as its handler reports it.</summary>
/// <param name="Percent">0 to 100.</param>
/// <param name="Message">What it is doing, for people; or none.</param>
public sealed record JobProgress(int Percent, string? Message);
