using System.Security.Cryptography;
using System.Text;

namespace Allixios.Storage;

/// <summary>One versioned schema change: the SQL that applies it and the SQL that undoes it.</summary>
/// <param name="Version">The version it brings the schema to; versions start at 1 and never repeat (a build may skip numbers reserved for other features).</param>
/// <param name="Name">What it is for, from its file name.</param>
/// <param name="UpSql">The SQL that applies it.</param>
/// <param name="DownSql">The SQL that undoes it.</param>
public sealed record Migration(int Version, string Name, string UpSql, string DownSql)
{
    // Computed on each read, not stored: a copy made with 'with { UpSql = … }' would keep the original's stored value.
    /// <summary>The SHA-256 of the up script with line endings normalised; an applied migration must keep it.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(UpSql.ReplaceLineEndings("\n"))));
}
