using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>One Chromium for all browser tests (they run one after another); each test gets its own context.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!Chromium.IsInstalled)
        {
            if (Chromium.IsRequired)
            {
                throw new InvalidOperationException($"HELLOWORLD_REQUIRE_BROWSER=1 but Chromium is not at {Chromium.ExecutablePath}.");
            }
            return; // every test in the collection is skipped
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Arguments,
        });
    }

    /// <summary>
    /// A fresh browser profile that lets the page use the microphone and records every RTCPeerConnection it makes, so
    /// tests can read its <c>getStats()</c> without any hook in the app.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Permissions = ["microphone"] });
        await context.AddInitScriptAsync("""
            (() => {
              const Native = window.RTCPeerConnection;
              window.__peerConnections = [];
              window.RTCPeerConnection = function (...args) {
                const connection = new Native(...args);
                window.__peerConnections.push(connection);
                return connection;
              };
              window.RTCPeerConnection.prototype = Native.prototype;
            })();
            """);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    // The machine has two cores: browser tests take turns.
    public const string Name = "Browser";
}
