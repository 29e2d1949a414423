namespace Allixios.Storage;

/// <summary>The database schema and the migrations this build knows disagree; nothing was changed.</summary>
public sealed class MigrationException(string message) : Exception(message);
