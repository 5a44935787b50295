using System.Text.Json;
using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// What a page must be for everyone, checked in the state it is in: axe-core finds no serious or critical violation, and
/// every touch target is at least 44×44 CSS pixels. axe-core comes from npm with the browser SDK's packages (the build
/// installs it into HelloWorld.Blazor/Sdk/node_modules); the app never serves it, the test evaluates it into the page.
/// </summary>
public static class Accessibility
{
    public const int MinimumTarget = 44;

    private static readonly Lazy<string> AxeSource = new(() =>
    {
        var path = Path.Combine(Repository.Root, "HelloWorld.Blazor", "Sdk", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"axe-core is not at {path}. Build the solution: the build installs it with the browser SDK's npm packages.");
    });

    /// <summary>Runs axe-core on the page as it is now; <paramref name="state"/> names it in the failure.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            // Evaluated, not added as a script element: the app's content security policy rightly refuses inline scripts.
            await page.EvaluateAsync(AxeSource.Value);
        }
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const results = await axe.run(document, { resultTypes: ["violations"] });
              return results.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map(n => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n"));
            }
            """);
        var found = violations.EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.True(found.Count == 0, $"axe-core found serious or critical violations on {page.Url} ({state}):\n{string.Join("\n", found)}");
    }

    /// <summary>
    /// Every button, select, summary, checkbox (with its label) and link styled as a control, visible at the current
    /// viewport, is at least 44×44. Links inside running text are exempt, as WCAG exempts them.
    /// </summary>
    public static async Task AssertTouchTargetsAsync(IPage page, string state)
    {
        var small = await page.EvaluateAsync<string[]>("""
            (minimum) => {
              const targets = [...document.querySelectorAll("button, select, summary, input[type=checkbox], a.btn")]
                .map(element => element.matches("input[type=checkbox]") ? element.closest("label") ?? element : element);
              return targets
                .filter(element => element.checkVisibility() && !element.closest("[hidden], [inert]"))
                .map(element => ({ element, box: element.getBoundingClientRect() }))
                .filter(({ box }) => box.width + 0.5 < minimum || box.height + 0.5 < minimum)
                .map(({ element, box }) => `${element.outerHTML.slice(0, 120)} is ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
            }
            """, MinimumTarget);
        Assert.True(small.Length == 0,
            $"touch targets under {MinimumTarget}×{MinimumTarget} at {page.ViewportSize?.Width}px wide ({state}):\n{string.Join("\n", small)}");
    }

    /// <summary>Both checks at the page's width, then at a phone's (390 px), then back.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string state)
    {
        await AssertNoSeriousViolationsAsync(page, state);
        var viewport = page.ViewportSize;
        await page.SetViewportSizeAsync(390, 844);
        try
        {
            await AssertTouchTargetsAsync(page, state);
        }
        finally
        {
            if (viewport is not null)
            {
                await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
            }
        }
    }
}

/// <summary>Where the repository is, found from the test's output folder upwards.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HelloWorld.sln")))
            {
                return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No HelloWorld.sln above {AppContext.BaseDirectory}.");
    }
}
