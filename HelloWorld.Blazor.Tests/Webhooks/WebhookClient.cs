using System.Net.Http.Headers;
using System.Text;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Webhooks;

internal static class WebhookClient
{
    public static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    public static AuthenticationHeaderValue BandwidthCredentials { get; } =
        Basic(AccountModeAppFactory.CallbackUsername, AccountModeAppFactory.CallbackPassword);

    /// <summary>Posts a webhook as Bandwidth does after the challenge: JSON, with the callback credentials.</summary>
    public static Task<HttpResponseMessage> PostWebhookAsync(
        this HttpClient client, string path, string json, AuthenticationHeaderValue? authorization = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = authorization ?? BandwidthCredentials;
        return client.SendAsync(request);
    }
}
