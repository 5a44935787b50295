using System.Text.Json.Nodes;

namespace HelloWorld.Blazor.Tests.Bandwidth;

internal static class JsonAssert
{
    /// <summary>Equal as JSON: same properties and values, whitespace and property order aside.</summary>
    public static void Equal(string expected, string? actual)
    {
        Assert.NotNull(actual);
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"Expected JSON {expectedNode?.ToJsonString()} but got {actualNode?.ToJsonString()}");
    }
}
