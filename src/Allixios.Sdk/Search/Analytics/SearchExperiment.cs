namespace Allixios.Search.Analytics;

/// <summary>
/// An A/B test of ranking configurations: each searcher (by user or session id) is assigned one arm for good, by a hash
/// of the id and <see cref="Id"/> (see <see cref="ExperimentAssignment"/>), and the click-through of each arm is compared.
/// </summary>
/// <param name="Id">1 to 63 characters of a-z, 0-9, <c>_</c>, <c>-</c>, <c>.</c>; unique in the tenant.</param>
/// <param name="Name">A label for people: 1 to 200 characters.</param>
/// <param name="Arms">2 to 10 arms.</param>
/// <param name="Status">Running or stopped.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record SearchExperiment(string Id, string Name, IReadOnlyList<ExperimentArm> Arms, ExperimentStatus Status, DateTimeOffset CreatedAt);
