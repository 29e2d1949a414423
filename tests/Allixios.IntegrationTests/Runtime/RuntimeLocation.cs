namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// Where the runtime to test is: <c>ALLIXIOS_TEST_RUNTIME_DLL</c> when set (the test command points it at the
/// publish output the Dockerfile copies), else the build output of <c>src/Allixios.Runtime</c>.
/// </summary>
internal static class RuntimeLocation
{
    private static readonly Lazy<string> Located = new(Locate);

    public static string Dll => Located.Value;

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("ALLIXIOS_TEST_RUNTIME_DLL") is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"ALLIXIOS_TEST_RUNTIME_DLL points at '{configured}', which does not exist.");
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Allixios.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new DirectoryNotFoundException("Could not find the repository root (Allixios.sln) above " + AppContext.BaseDirectory);
        }

#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(directory.FullName, "src", "Allixios.Runtime", "bin", configuration, "net10.0", "Allixios.Runtime.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"The runtime is not built at '{dll}': build the solution in {configuration} first.");
    }
}
