namespace Allixios.Benchmarks;

/// <summary>Finds the runtime to start for load scenarios: the publish output the Dockerfile copies, else the Release build.</summary>
internal static class RuntimeBuild
{
    public static string Locate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Allixios.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new DirectoryNotFoundException("Could not find the repository root (Allixios.sln); pass --runtime PATH/Allixios.Runtime.dll.");
        }

        foreach (var candidate in new[] { Path.Combine("artifacts", "publish"), Path.Combine("src", "Allixios.Runtime", "bin", "Release", "net10.0") })
        {
            var dll = Path.Combine(directory.FullName, candidate, "Allixios.Runtime.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new FileNotFoundException("The runtime is not built: run 'dotnet build Allixios.sln -c Release' or pass --runtime PATH/Allixios.Runtime.dll.");
    }
}
