namespace Bench;

internal static class Repository
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HelloWorld.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
