using Allixios.N8nBridge.ContractGenerator;

// Regenerates the n8n node's operations from the runtime's contract:
//   dotnet run --project src/Allixios.N8nBridge.ContractGenerator                  from the checked-in snapshot
//   dotnet run --project src/Allixios.N8nBridge.ContractGenerator -- --from-url http://127.0.0.1:5080/openapi/v1.json
//                                                                                   refresh the snapshot first
//   dotnet run --project src/Allixios.N8nBridge.ContractGenerator -- --check       exit 1 when the file is stale
string? fromUrl = null;
string? packageDirectory = null;
var check = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--from-url" when i + 1 < args.Length:
            fromUrl = args[++i];
            break;
        case "--package" when i + 1 < args.Length:
            packageDirectory = args[++i];
            break;
        case "--check":
            check = true;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Use [--from-url <openapi url>] [--package <dir>] [--check].");
            return 2;
    }
}

try
{
    var package = packageDirectory is null ? NodePackage.Find(Environment.CurrentDirectory) : new NodePackage(Path.GetFullPath(packageDirectory));
    if (fromUrl is not null)
    {
        using var http = new HttpClient();
        var served = await http.GetStringAsync(new Uri(fromUrl));
        await File.WriteAllTextAsync(package.OpenApiSnapshot, served);
        Console.WriteLine($"Wrote {package.OpenApiSnapshot} from {fromUrl}");
    }

    var generated = await OperationsEmitter.GenerateAsync(
        await File.ReadAllTextAsync(package.OpenApiSnapshot), await File.ReadAllTextAsync(package.Operations));
    var current = File.Exists(package.GeneratedOperations) ? await File.ReadAllTextAsync(package.GeneratedOperations) : null;
    if (check)
    {
        if (current == generated)
        {
            Console.WriteLine($"{package.GeneratedOperations} is up to date.");
            return 0;
        }

        Console.Error.WriteLine($"{package.GeneratedOperations} is stale: run dotnet run --project src/Allixios.N8nBridge.ContractGenerator");
        return 1;
    }

    await File.WriteAllTextAsync(package.GeneratedOperations, generated);
    Console.WriteLine(current == generated ? $"{package.GeneratedOperations} was already up to date." : $"Wrote {package.GeneratedOperations}");
    return 0;
}
catch (ContractException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
