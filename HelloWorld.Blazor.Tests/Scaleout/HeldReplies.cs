using System.Reflection;
using System.Runtime.ExceptionServices;
using HelloWorld.Blazor.Scaleout;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// A connection to a real Redis whose reply to one chosen command can be held back after Redis has carried it out, as
/// a slow network or a busy thread pool would: the change is in Redis and announced, the instance has not seen its reply.
/// Races between instances then happen in a chosen order, every time, with no sleep.
/// </summary>
public sealed class HeldReplies
{
    private readonly Lock _lock = new();
    private (string[] Methods, int Skip, Hold Hold)? _next;

    public RedisConnection Connect(RedisServer server) =>
        new(Forwarder.Create((IConnectionMultiplexer)ConnectionMultiplexer.Connect(server.ConnectionString), this));

    /// <summary>
    /// Holds the reply to a coming call of any of <paramref name="methods"/> (of IDatabase or ITransaction): the next one,
    /// or the one after <paramref name="skip"/> others.
    /// </summary>
    public Hold HoldNext(string[] methods, int skip = 0)
    {
        var hold = new Hold();
        lock (_lock)
        {
            _next = (methods, skip, hold);
        }
        return hold;
    }

    private Hold? Take(string method)
    {
        lock (_lock)
        {
            if (_next is not { } next || !next.Methods.Contains(method))
            {
                return null;
            }
            if (next.Skip > 0)
            {
                _next = next with { Skip = next.Skip - 1 };
                return null;
            }
            _next = null;
            return next.Hold;
        }
    }

    public sealed class Hold
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once Redis has answered the held command.</summary>
        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        internal async Task<T> After<T>(Task<T> reply)
        {
            var value = await reply;
            _reached.TrySetResult();
            await _released.Task;
            return value;
        }
    }

    /// <summary>Forwards every call to the real object; wraps the databases and transactions it hands out. Not sealed: DispatchProxy derives from it.</summary>
    public class Forwarder : DispatchProxy
    {
        private static readonly MethodInfo AfterMethod = typeof(Hold).GetMethod(nameof(Hold.After), BindingFlags.NonPublic | BindingFlags.Instance)!;

        private object _target = null!;
        private HeldReplies _owner = null!;

        internal static T Create<T>(T target, HeldReplies owner) where T : class
        {
            var proxy = DispatchProxy.Create<T, Forwarder>();
            var forwarder = (Forwarder)(object)proxy;
            (forwarder._target, forwarder._owner) = (target, owner);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            object? result;
            try
            {
                result = method!.Invoke(_target, args);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(exception.InnerException);
                throw;
            }
            return method.Name switch
            {
                nameof(IConnectionMultiplexer.GetDatabase) => Create((IDatabase)result!, _owner),
                nameof(IDatabase.CreateTransaction) => Create((ITransaction)result!, _owner),
                _ when result is Task reply && method.ReturnType.IsGenericType && _owner.Take(method.Name) is { } hold =>
                    AfterMethod.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(hold, [reply]),
                _ => result,
            };
        }
    }
}
