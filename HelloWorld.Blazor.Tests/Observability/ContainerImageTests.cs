using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace HelloWorld.Blazor.Tests.Observability;

/// <summary>
/// <c>dotnet publish HelloWorld.Blazor -t:PublishContainer</c> writes an image archive: the app on its base image, as a
/// non-root user, port 8080. No container engine and no Microsoft registry are reachable here, so the base image comes
/// from a small registry this test serves on localhost (the SDK speaks plain HTTP to localhost registries). Publishes
/// the app in Release into a folder of its own: a minute or more on a busy machine, alone (<see cref="RunsAlone"/>) so
/// that the compiler's load does not starve the tests that run in parallel.
/// </summary>
[Trait("Category", "Container")]
[Collection(nameof(RunsAlone))]
public sealed class ContainerImageTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("helloworld-container-").FullName;
    private BaseImageRegistry _registry = null!;

    public async Task InitializeAsync() => _registry = await BaseImageRegistry.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task PublishContainer_WritesAnImageArchive_OfTheAppRunningAsANonRootUserOnPort8080()
    {
        var archiveFolder = Path.Combine(_work, "image");
        var (exitCode, output) = await RunAsync("dotnet", "publish", Path.Combine(RepositoryRoot(), "HelloWorld.Blazor", "HelloWorld.Blazor.csproj"),
            "-c", "Release", "-t:PublishContainer", "-r", "linux-x64", "--artifacts-path", Path.Combine(_work, "artifacts"),
            $"-p:ContainerBaseImage={_registry.Name}/dotnet/aspnet:10.0", $"-p:ContainerArchiveOutputPath={archiveFolder}/",
            "-nodeReuse:false", "-p:UseSharedCompilation=false", "--nologo");
        Assert.True(exitCode == 0, $"dotnet publish failed ({exitCode}):\n{output}");

        var archive = Path.Combine(archiveFolder, "helloworld-blazor.tar.gz");
        Assert.True(File.Exists(archive), $"no image archive at {archive}; the folder holds: {string.Join(", ", Directory.GetFiles(archiveFolder))}");
        var files = ReadTar(archive);
        var (config, layers) = Image(files);
        Assert.Equal("1654", (string?)config["User"]);
        Assert.NotNull(config["ExposedPorts"]?["8080/tcp"]);
        Assert.Contains("HelloWorld.Blazor", string.Join(" ", config["Entrypoint"]!.AsArray().Select(part => (string?)part)), StringComparison.Ordinal);
        var appLayer = ReadTar(files[layers[^1]]).Keys.ToList();
        Assert.Contains(appLayer, path => path.EndsWith("app/HelloWorld.Blazor.dll", StringComparison.Ordinal));
        Assert.Contains(appLayer, path => path.Contains("app/wwwroot/", StringComparison.Ordinal));
    }

    /// <summary>The image's run configuration and its layers' paths in the archive, read as Docker's or as an OCI layout.</summary>
    private static (JsonNode Config, IReadOnlyList<string> Layers) Image(Dictionary<string, byte[]> files)
    {
        if (files.TryGetValue("manifest.json", out var dockerManifest))
        {
            var manifest = JsonNode.Parse(dockerManifest)!.AsArray()[0]!;
            return (JsonNode.Parse(files[(string)manifest["Config"]!])!["config"]!,
                [.. manifest["Layers"]!.AsArray().Select(layer => (string)layer!)]);
        }
        Assert.True(files.ContainsKey("index.json"), $"neither a Docker nor an OCI archive: {string.Join(", ", files.Keys)}");
        static string Blob(JsonNode descriptor) => "blobs/" + ((string)descriptor["digest"]!).Replace(':', '/');
        var index = JsonNode.Parse(files["index.json"])!;
        var image = JsonNode.Parse(files[Blob(index["manifests"]![0]!)])!;
        return (JsonNode.Parse(files[Blob(image["config"]!)])!["config"]!, [.. image["layers"]!.AsArray().Select(layer => Blob(layer!))]);
    }

    /// <summary>Every file of a tar (gzipped or not) by its path.</summary>
    private static Dictionary<string, byte[]> ReadTar(string path) => ReadTar(File.ReadAllBytes(path));

    private static Dictionary<string, byte[]> ReadTar(byte[] bytes)
    {
        Stream stream = new MemoryStream(bytes);
        if (bytes is [0x1f, 0x8b, ..])
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        using var reader = new TarReader(stream);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            files[entry.Name.TrimStart('.', '/')] = content.ToArray();
        }
        return files;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HelloWorld.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("HelloWorld.sln not found above the test's folder");
    }

    /// <summary>
    /// An OCI registry holding one image, <c>dotnet/aspnet:10.0</c>: an empty linux/amd64 layer and a config with the
    /// environment the real base image sets. Enough for the SDK to put the app on it.
    /// </summary>
    private sealed class BaseImageRegistry(WebApplication host, string name) : IAsyncDisposable
    {
        public string Name { get; } = name;

        public static async Task<BaseImageRegistry> StartAsync()
        {
            var layerTar = new MemoryStream();
            using (var writer = new TarWriter(layerTar, TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app/"));
            }
            var layer = Gzip(layerTar.ToArray());
            var config = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["architecture"] = "amd64",
                ["os"] = "linux",
                ["config"] = new JsonObject
                {
                    ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=1654",
                        "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"),
                    ["WorkingDir"] = "/",
                },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Digest(layerTar.ToArray())) },
            }.ToJsonString());
            var manifest = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", config),
                ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer)),
            }.ToJsonString());
            var blobs = new Dictionary<string, byte[]> { [Digest(config)] = config, [Digest(layer)] = layer };

            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var host = builder.Build();
            host.MapMethods("/v2/", ["GET", "HEAD"], () => Results.Json(new { }));
            host.MapMethods("/v2/dotnet/aspnet/manifests/{reference}", ["GET", "HEAD"], (HttpContext context, string reference) =>
            {
                if (reference != "10.0" && reference != Digest(manifest))
                {
                    return Results.NotFound();
                }
                context.Response.Headers["Docker-Content-Digest"] = Digest(manifest);
                return Results.Bytes(manifest, "application/vnd.oci.image.manifest.v1+json");
            });
            host.MapMethods("/v2/dotnet/aspnet/blobs/{digest}", ["GET", "HEAD"], (HttpContext context, string digest) =>
            {
                if (!blobs.TryGetValue(digest, out var blob))
                {
                    return Results.NotFound();
                }
                context.Response.Headers["Docker-Content-Digest"] = digest;
                return Results.Bytes(blob, "application/octet-stream");
            });
            await host.StartAsync();
            var port = new Uri(host.Urls.First()).Port;
            return new BaseImageRegistry(host, $"localhost:{port}");
        }

        private static JsonObject Descriptor(string mediaType, byte[] content) =>
            new() { ["mediaType"] = mediaType, ["digest"] = Digest(content), ["size"] = content.Length };

        private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

        private static byte[] Gzip(byte[] content)
        {
            var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(content);
            }
            return compressed.ToArray();
        }

        public async ValueTask DisposeAsync() => await host.DisposeAsync();
    }
}
