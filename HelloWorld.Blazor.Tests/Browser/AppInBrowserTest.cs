using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// A browser test class whose every test gets its own app (emulator mode unless <paramref name="settings"/> name an
/// account) and its own browser profile, so no call, participant or permission carries over from another test.
/// </summary>
public abstract class AppInBrowserTest(ChromiumFixture chromium, IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    protected RunningApp App { get; private set; } = null!;

    protected IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.IsInstalled)
        {
            App = RunningApp.Start(settings);
            Context = await chromium.NewContextAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Chromium.IsInstalled)
        {
            await Context.DisposeAsync();
            await App.DisposeAsync();
        }
    }
}
