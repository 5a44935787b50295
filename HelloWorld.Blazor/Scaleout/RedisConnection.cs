using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The one connection to Redis every shared store uses (<c>ConnectionStrings:redis</c>), and the names of the keys they
/// keep there. Connecting fails at once, naming the setting, when Redis cannot be reached: an instance that runs on
/// its own state while the others share theirs would split the conference without a word.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    public const string Setting = "ConnectionStrings:redis";

    private const string Prefix = "helloworld:";

    // Internal for tests that put a connection of their own between a store and Redis.
    internal RedisConnection(IConnectionMultiplexer multiplexer) => Multiplexer = multiplexer;

    public IConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public ISubscriber Subscriber => Multiplexer.GetSubscriber();

    public static RedisKey Key(string name) => Prefix + name;

    public static RedisChannel Channel(string name) => RedisChannel.Literal(Prefix + name);

    public static RedisConnection Connect(string connectionString)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The message of a parse failure never repeats the string: it may hold a password.
            throw new InvalidOperationException(
                $"{Setting} is not a Redis connection string such as localhost:6379 ({exception.GetType().Name}). " + HowToSet, exception);
        }
        options.AbortOnConnectFail = true;
        try
        {
            return new RedisConnection(ConnectionMultiplexer.Connect(options));
        }
        catch (RedisConnectionException exception)
        {
            var endpoints = string.Join(", ", options.EndPoints.Select(endpoint => endpoint.ToString()));
            throw new InvalidOperationException($"Redis could not be reached at {endpoints}, as {Setting} says ({exception.FailureType}). " + HowToSet, exception);
        }
    }

    public void Dispose() => Multiplexer.Dispose();

    private const string HowToSet =
        "Start Redis there, or correct the setting (environment variable ConnectionStrings__redis, e.g. localhost:6379), " +
        "or unset it to run a single instance that keeps everything in memory.";
}
