namespace Allixios.AiRouting.Providers;

/// <summary>Opening a provider's Server-Sent Events stream, the same for every provider.</summary>
internal static class ProviderStreams
{
    /// <summary>
    /// Sends a streaming request and returns its response once it is known to be a success: a transport failure or an
    /// error status becomes the provider's exception, as for a unary call. The caller disposes the response.
    /// </summary>
    public static async Task<HttpResponseMessage> OpenAsync(string provider, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send(cancellationToken);
        }
        catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
        {
            throw ProviderErrors.FromTransport(provider, ex, cancellationToken);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProviderErrors.FromResponseAsync(provider, response, cancellationToken);
            }
        }

        return response;
    }
}
