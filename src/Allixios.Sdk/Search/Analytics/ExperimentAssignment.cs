using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Allixios.Search.Analytics;

/// <summary>
/// Assigns a searcher to an experiment's arm: SHA-256 of the experiment id and the user or session id gives a point in
/// [0, 1), and the arms split that interval by weight, in their order. The same searcher always lands in the same arm
/// of one experiment, on every node and after restarts, while their arms in different experiments are independent.
/// </summary>
public static class ExperimentAssignment
{
    /// <summary>The point in [0, 1) of <paramref name="userId"/> in <paramref name="experimentId"/>.</summary>
    public static double Point(string experimentId, string userId)
    {
        ArgumentNullException.ThrowIfNull(experimentId);
        ArgumentNullException.ThrowIfNull(userId);

        // A separator that neither id may hold, so ("ab", "c") and ("a", "bc") hash apart.
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{experimentId}\n{userId}"), hash);

        // The top 53 bits: every such value is exact as a double, and the result stays below 1.
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) / (double)(1UL << 53);
    }

    /// <summary>The arm of <paramref name="experiment"/> that <paramref name="userId"/> is assigned to.</summary>
    public static ExperimentArm Choose(SearchExperiment experiment, string userId)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (experiment.Arms.Count == 0)
        {
            throw new ArgumentException("The experiment has no arms.", nameof(experiment));
        }

        var target = Point(experiment.Id, userId) * experiment.Arms.Sum(a => a.Weight);
        var cumulative = 0.0;
        foreach (var arm in experiment.Arms)
        {
            cumulative += arm.Weight;
            if (target < cumulative)
            {
                return arm;
            }
        }

        // Rounding may leave the point just past the last bound.
        return experiment.Arms[^1];
    }
}
