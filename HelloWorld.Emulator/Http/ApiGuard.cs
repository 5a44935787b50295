using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Http;

/// <summary>
/// What Bandwidth checks before any API call: HTTP Basic with the account's API credentials (401 otherwise), and an
/// account id in the path that belongs to those credentials (403 otherwise). Each API answers in its own error shape.
/// </summary>
internal sealed partial class ApiGuard(IOptions<EmulatorOptions> options, ILogger<ApiGuard> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var emulator = options.Value;
        if (!Authenticated(http.Request, emulator))
        {
            Log.Unauthorized(logger, http.Request.Method, http.Request.Path);
            return ApiResults.Error(http.Request.Path, StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized");
        }
        if (http.Request.RouteValues.TryGetValue("accountId", out var accountId) && !Equals(accountId as string, emulator.AccountId))
        {
            Log.WrongAccount(logger, accountId as string ?? "");
            return ApiResults.Error(http.Request.Path, StatusCodes.Status403Forbidden, "forbidden",
                $"The credentials do not give access to account {accountId}.");
        }
        return await next(context).ConfigureAwait(false);
    }

    private static bool Authenticated(HttpRequest request, EmulatorOptions emulator)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(header.Parameter);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = Encoding.UTF8.GetBytes($"{emulator.Username}:{emulator.Password}");
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(presented), SHA256.HashData(expected));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Emulator refused {Method} {Path}: missing or wrong API credentials")]
        public static partial void Unauthorized(ILogger logger, string method, string path);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Emulator refused a call for account {AccountId}: not the emulated account")]
        public static partial void WrongAccount(ILogger logger, string accountId);
    }
}
