using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Allixios.Runtime.Hosting;

/// <summary>
/// Where the runtime listens. Addresses follow ASP.NET Core's conventions (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
/// <c>Kestrel:Endpoints</c>); with none of them set it listens on loopback only: HTTP/JSON on 5080 and gRPC
/// (cleartext HTTP/2, which serves HTTP/JSON too) on 5081.
/// </summary>
internal static class ListenAddresses
{
    public const int DefaultHttpPort = 5080;
    public const int DefaultGrpcPort = 5081;

    public static void ApplyDefaults(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var configured = !string.IsNullOrEmpty(configuration["urls"])
            || !string.IsNullOrEmpty(configuration["http_ports"])
            || !string.IsNullOrEmpty(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (configured)
        {
            return;
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Cleartext HTTP/2 needs prior knowledge, which a mixed HTTP/1.1+2 endpoint cannot offer without TLS: HTTP/1.1
            // here, and HTTP/2 (gRPC and HTTP/JSON alike) on the second port.
            kestrel.Listen(IPAddress.Loopback, DefaultHttpPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, DefaultGrpcPort, o => o.Protocols = HttpProtocols.Http2);
        });
    }

    /// <summary>Prints each bound address with what it serves, once the server has started.</summary>
    public static void PrintWhenStarted(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var grpcPorts = GrpcOnlyPorts(app.Configuration);
            foreach (var address in addresses)
            {
                var port = new Uri(address.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal)).Port;
                var serves = grpcPorts.Contains(port) ? "gRPC and HTTP/JSON over HTTP/2" : "HTTP/JSON";
                Console.WriteLine($"Allixios runtime: {serves} on {address}");
            }
        });
    }

    private static HashSet<int> GrpcOnlyPorts(IConfiguration configuration)
    {
        var ports = new HashSet<int>();
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        if (endpoints.Count == 0 && string.IsNullOrEmpty(configuration["urls"]))
        {
            ports.Add(DefaultGrpcPort);
        }

        foreach (var endpoint in endpoints)
        {
            var url = endpoint["Url"];
            if (string.Equals(endpoint["Protocols"], nameof(HttpProtocols.Http2), StringComparison.OrdinalIgnoreCase)
                && url is not null
                && Uri.TryCreate(url.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                ports.Add(uri.Port);
            }
        }

        return ports;
    }
}
