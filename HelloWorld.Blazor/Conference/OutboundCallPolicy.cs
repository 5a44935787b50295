using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Which calls the app may place: every one costs money, so the number must be E.164 and configured, not in a call (or
/// being called) already, within <see cref="PhoneCallOptions.MaxCallsPerMinute"/> for the whole app, and within
/// <see cref="PhoneCallOptions.MaxActiveCalls"/> together with the dial-ins.
/// </summary>
public sealed class OutboundCallPolicy : IDisposable
{
    private readonly CallRegistry _registry;
    private readonly IOptions<BandwidthOptions> _bandwidth;
    private readonly PhoneCallOptions _options;
    private readonly RateLimiter _placedCalls;

    // Numbers with a call being placed: two clicks on CALL ring the phone once.
    private readonly ConcurrentDictionary<string, byte> _dialing = new(StringComparer.Ordinal);

    public OutboundCallPolicy(CallRegistry registry, IOptions<BandwidthOptions> bandwidth, IOptions<PhoneCallOptions> options)
    {
        _registry = registry;
        _bandwidth = bandwidth;
        _options = options.Value;
        _placedCalls = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, _options.MaxCallsPerMinute),
            TokensPerPeriod = Math.Max(1, _options.MaxCallsPerMinute),
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    /// <summary>The configured outbound number first, then the allow-list; only E.164 numbers.</summary>
    public IReadOnlyList<string> DialableNumbers
    {
        get
        {
            var settings = _bandwidth.Value;
            IEnumerable<string?> numbers = [settings.OutboundPhoneNumber, .. settings.AllowedOutboundNumbers];
            return [.. numbers.OfType<string>().Where(BandwidthOptionsValidator.IsE164).Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Admits a call to <paramref name="number"/> (the configured outbound number when <c>null</c>), or throws
    /// <see cref="PhoneCallRejectedException"/> saying why not. Until it is disposed, the admission keeps the number from
    /// being called twice and holds the call's place under the cap; registering the call takes the place over.
    /// </summary>
    public OutboundCallAdmission Admit(string? number)
    {
        var to = DialableNumber(number);
        if (!_dialing.TryAdd(to, 0))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.AlreadyInProgress, "That number is being called already.");
        }
        CallReservation? reservation = null;
        try
        {
            reservation = _registry.TryReserve(_options.MaxActiveCalls) ?? throw PhoneCallRejectedException.TooManyActiveCalls(_options.MaxActiveCalls);
            if (_registry.Calls.Any(call => call.IsActive && call.Direction == CallDirection.Outbound && call.To == to))
            {
                throw new PhoneCallRejectedException(PhoneCallRejection.AlreadyInProgress, "That number is in a call already.");
            }
            using var lease = _placedCalls.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                throw new PhoneCallRejectedException(PhoneCallRejection.RateLimited, "Too many calls in a short time; try again in a minute.", retryAfter);
            }
            return new OutboundCallAdmission(to, reservation, () => _dialing.TryRemove(to, out _));
        }
        catch
        {
            reservation?.Dispose();
            _dialing.TryRemove(to, out _);
            throw;
        }
    }

    public void Dispose() => _placedCalls.Dispose();

    private string DialableNumber(string? number)
    {
        var to = number ?? _bandwidth.Value.OutboundPhoneNumber;
        if (number is null && string.IsNullOrEmpty(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.NoOutboundNumberConfigured,
                "No number to call is configured: set Bandwidth:OutboundPhoneNumber (or USER_NUMBER).");
        }
        if (to is null || !BandwidthOptionsValidator.IsE164(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.InvalidNumber, "That is not a phone number in E.164 form, such as +19195551234.");
        }
        if (!DialableNumbers.Contains(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.NumberNotAllowed,
                "This app may only call the numbers it is configured for (Bandwidth:OutboundPhoneNumber, Bandwidth:AllowedOutboundNumbers).");
        }
        return to;
    }
}

/// <summary>A call <see cref="OutboundCallPolicy"/> let through: its number, and its place under the cap until it is registered.</summary>
public sealed class OutboundCallAdmission : IDisposable
{
    private Action? _releaseNumber;

    internal OutboundCallAdmission(string to, CallReservation reservation, Action releaseNumber)
    {
        To = to;
        Reservation = reservation;
        _releaseNumber = releaseNumber;
    }

    /// <summary>The number to call, E.164.</summary>
    public string To { get; }

    public CallReservation Reservation { get; }

    /// <summary>Frees the number for the next call, and gives the place back unless the call was registered in it.</summary>
    public void Dispose()
    {
        Reservation.Dispose();
        Interlocked.Exchange(ref _releaseNumber, null)?.Invoke();
    }
}
