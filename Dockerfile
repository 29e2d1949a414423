# syntax=docker/dockerfile:1
# The Allixios runtime as a container.
#
#   docker build -t allixios-runtime .
#   docker run --rm -p 8080:8080 -p 8081:8081 allixios-runtime
#   docker run --rm -e ALLIXIOS__POSTGRES__CONNECTIONSTRING=... allixios-runtime migrate status
#
# Port 8080 serves HTTP/JSON (HTTP/1.1; HTTP/2 only where TLS in front negotiates it). Port 8081 serves gRPC and
# HTTP/JSON over cleartext HTTP/2. The app runs as the image's non-root `app` user. Configuration comes from
# environment variables (ALLIXIOS__POSTGRES__CONNECTIONSTRING, ALLIXIOS__REDIS__CONFIGURATION,
# ALLIXIOS__BOOTSTRAPADMINKEY, ...). scripts/verify-publish.sh runs the same publish and settings without Docker.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from only the files that decide it, so a code change reuses the restored layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Allixios.Sdk/Allixios.Sdk.csproj src/Allixios.Sdk/
COPY src/Allixios.Runtime/Allixios.Runtime.csproj src/Allixios.Runtime/
RUN dotnet restore src/Allixios.Runtime/Allixios.Runtime.csproj

COPY .editorconfig ./
COPY src/ src/
# Publish also restores (a no-op if nothing changed), so a project reference added later still builds, just without the cache.
RUN dotnet publish src/Allixios.Runtime/Allixios.Runtime.csproj -c Release -o /app -p:UseAppHost=false --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
LABEL org.opencontainers.image.title="Allixios runtime" \
      org.opencontainers.image.description="The Allixios engine as one service: gRPC and HTTP/JSON from one contract." \
      org.opencontainers.image.source="https://github.com/allixios/allixios" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app

# The endpoints replace the base image's ASPNETCORE_HTTP_PORTS, which is cleared so Kestrel does not warn that it is overridden.
# Cleartext HTTP/2 needs prior knowledge, so 8080 speaks HTTP/1.1 and 8081 HTTP/2 (gRPC and HTTP/JSON); put TLS in
# front, or configure a certificate on an Http1AndHttp2 endpoint, for HTTP/2 JSON with negotiation.
ENV ASPNETCORE_HTTP_PORTS="" \
    Kestrel__Endpoints__Http__Url=http://+:8080 \
    Kestrel__Endpoints__Http__Protocols=Http1 \
    Kestrel__Endpoints__Grpc__Url=http://+:8081 \
    Kestrel__Endpoints__Grpc__Protocols=Http2 \
    Logging__Console__FormatterName=json
EXPOSE 8080 8081

COPY --from=build /app ./
# Files stay owned by root: the app user can read the app but not change it.
USER $APP_UID

# The image has no curl; the runtime's own `healthcheck` verb exits 0 on a 2xx and 1 otherwise.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["dotnet", "/app/Allixios.Runtime.dll", "healthcheck", "http://127.0.0.1:8080/health/ready"]

ENTRYPOINT ["dotnet", "Allixios.Runtime.dll"]
