using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HelloWorld.Emulator.Phone;

/// <summary>
/// The phone simulator page (<c>/emulator/phone</c>): plain HTML, CSS and JS embedded in the emulator, so it works wherever
/// the emulator is mapped, with no build step of its own. It drives the control API.
/// </summary>
internal static class PhoneSimulator
{
    private static readonly Assembly Assembly = typeof(PhoneSimulator).Assembly;

    public static void Map(RouteGroupBuilder emulator)
    {
        emulator.MapGet("/phone", () => Asset("phone.html", "text/html; charset=utf-8"));
        emulator.MapGet("/phone/phone.css", () => Asset("phone.css", "text/css; charset=utf-8"));
        emulator.MapGet("/phone/phone.js", () => Asset("phone.js", "text/javascript; charset=utf-8"));
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = Assembly.GetManifestResourceStream($"HelloWorld.Emulator.Phone.Assets.{name}")
            ?? throw new InvalidOperationException($"The phone simulator's {name} is not embedded.");
        return Results.Stream(stream, contentType);
    }
}
