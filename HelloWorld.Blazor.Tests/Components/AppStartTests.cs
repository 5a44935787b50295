using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Components;

/// <summary>What the page's start relies on (App.razor, App.razor.js): the work it skips or moves earlier stays correct.</summary>
public sealed partial class AppStartTests
{
    /// <summary>App.razor.js tells Blazor there are none, so that the circuit does not ask for them first.</summary>
    [Fact]
    public async Task TheApp_HasNoJavaScriptInitializers()
    {
        await using var app = new AccountModeAppFactory();

        var initializers = await app.Client().GetStringAsync("/_blazor/initializers");

        Assert.Empty(JsonNode.Parse(initializers)!.AsArray());
    }

    /// <summary>
    /// Each module the call page's module imports is fetched ahead, at the URL the import map gives it (else it would be
    /// fetched twice), and the call page's module itself is loaded and run ahead, asynchronously.
    /// </summary>
    [Fact]
    public async Task ThePage_LoadsTheCallModulesAhead_AtTheImportMapsUrls()
    {
        await using var app = new AccountModeAppFactory();

        var html = await app.Client().GetStringAsync("/");

        var importMap = JsonNode.Parse(ImportMap().Match(html).Groups[1].Value)!["imports"]!.AsObject();
        string Mapped(string path) => ((string)importMap["./" + path]!)[2..];
        Assert.Matches($"<script type=\"module\" async[^>]* src=\"{Regex.Escape(Mapped("Components/Pages/Home.razor.js"))}\"", html);
        string[] imported =
        [
            "lib/bandwidth-webrtc/bandwidth-webrtc.js", "Components/Call/CallStatusBanner.razor.js", "Components/Call/DtmfKeypad.razor.js",
            "Components/Call/LevelMeter.razor.js", "Components/Call/CallPhoneButton.razor.js",
        ];
        Assert.All(imported, path => Assert.Matches($"<link rel=\"modulepreload\" href=\"{Regex.Escape(Mapped(path))}\"", html));
        var imports = ModuleImports().Matches(HomeModule()).Select(import => import.Groups[1].Value)
            .Select(path => path.StartsWith("Call/", StringComparison.Ordinal) ? "Components/" + path : path);
        Assert.Equal(imported.Order(), imports.Order());
    }

    /// <summary>
    /// blazor.web.js is the head's first request, at the URL of the script that runs it (else it would be fetched twice):
    /// the circuit can start only once it has run.
    /// </summary>
    [Fact]
    public async Task ThePage_AsksForBlazorsScriptFirst_AtTheUrlThatRunsIt()
    {
        await using var app = new AccountModeAppFactory();

        var html = await app.Client().GetStringAsync("/");

        var script = BlazorScript().Match(html);
        Assert.True(script.Success, "no blazor.web.js script on the page");
        var head = html[..html.IndexOf("</head>", StringComparison.Ordinal)];
        var firstRequest = HeadRequests().Match(head);
        Assert.Equal($"<link rel=\"preload\" as=\"script\" href=\"{script.Groups[1].Value}\"", firstRequest.Value);
    }

    /// <summary>
    /// The page's title is written by prerendering, and the head is no root component of the circuit: the circuit starts
    /// one root component, the page, and renders nothing into the head.
    /// </summary>
    [Fact]
    public async Task ThePage_PrerendersItsTitle_AndStartsOneInteractiveRoot()
    {
        await using var app = new AccountModeAppFactory();

        var html = await app.Client().GetStringAsync("/");

        var head = html[..html.IndexOf("</head>", StringComparison.Ordinal)];
        Assert.Contains("<title>Hello World: Bandwidth WebRTC</title>", head, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--Blazor:", head, StringComparison.Ordinal);
        Assert.Single(ServerRootMarkers().Matches(html));
    }

    private static string HomeModule() => File.ReadAllText(Path.Combine(RepositoryRoot(), "HelloWorld.Blazor", "Components", "Pages", "Home.razor.js"));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HelloWorld.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("HelloWorld.sln not found above the test's directory.");
    }

    [GeneratedRegex("""<script src="([^"]*_framework/blazor\.web\.[^"]*\.js)" autostart="false"></script>""")]
    private static partial Regex BlazorScript();

    /// <summary>What in the head makes a request: a link with an href, or a script with a src.</summary>
    [GeneratedRegex("""<link rel="(?:preload|modulepreload|stylesheet|icon)"[^>]*? href="[^"]*"|<script [^>]*?src="[^"]*"[^>]*>""")]
    private static partial Regex HeadRequests();

    [GeneratedRegex("<!--Blazor:\\{\"type\":\"server\"")]
    private static partial Regex ServerRootMarkers();

    [GeneratedRegex("""<script type="importmap">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex ImportMap();

    /// <summary>The module's static imports, as paths from wwwroot or the project (../../lib/x.js, ../Call/y.razor.js).</summary>
    [GeneratedRegex("""^import .* from "(?:\.\./\.\./|\.\./)((?:lib|Call)/[^"]+)";""", RegexOptions.Multiline)]
    private static partial Regex ModuleImports();
}
