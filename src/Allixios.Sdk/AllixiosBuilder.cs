using Microsoft.Extensions.DependencyInjection;

namespace Allixios;

internal sealed class AllixiosBuilder(IServiceCollection services) : IAllixiosBuilder
{
    public IServiceCollection Services { get; } = services;
}
