using System.Collections.Concurrent;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Which calls the app may place: every one costs money, so the number must be E.164 and configured, not in a call (or
/// being called) already, with a place in the session, within the per-client and whole-app rates of
/// <see cref="PhoneCallOptions"/> (one limit for the CALL button and <c>POST /callPhone</c>), and within
/// <see cref="PhoneCallOptions.MaxActiveCalls"/> together with the dial-ins.
/// </summary>
public sealed class OutboundCallPolicy
{
    private readonly CallRegistry _registry;
    private readonly SessionCapacity _capacity;
    private readonly IOptions<BandwidthOptions> _bandwidth;
    private readonly PhoneCallOptions _options;
    private readonly PerMinuteLimit _placedCalls;

    // Numbers with a call being placed: two clicks on CALL ring the phone once.
    private readonly ConcurrentDictionary<string, byte> _dialing = new(StringComparer.Ordinal);

    public OutboundCallPolicy(
        CallRegistry registry, SessionCapacity capacity, TimeProvider timeProvider, IOptions<BandwidthOptions> bandwidth, IOptions<PhoneCallOptions> options)
    {
        _registry = registry;
        _capacity = capacity;
        _bandwidth = bandwidth;
        _options = options.Value;
        _placedCalls = new PerMinuteLimit(timeProvider, _options.MaxCallsPerMinute, _options.MaxCallsPerClientPerMinute);
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
    /// Admits a call to <paramref name="number"/> (the configured outbound number when <c>null</c>) for
    /// <paramref name="client"/>, or throws <see cref="PhoneCallRejectedException"/> saying why not. Until it is disposed,
    /// the admission keeps the number from being called twice and holds the call's place under the cap; registering the
    /// call takes the place over. A refusal for any other reason than the rate spends none of the rate.
    /// </summary>
    public OutboundCallAdmission Admit(string? number, ClientAddress client)
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
            try
            {
                // Checked here too, without taking the place (the join does that), so a full call spends none of the rate.
                _capacity.EnsureRoomFor(client: null);
            }
            catch (ParticipantRefusedException refused)
            {
                throw PhoneCallRejectedException.ConferenceFull(refused);
            }
            var rate = _placedCalls.TryAcquire(client);
            if (!rate.Admitted)
            {
                throw new PhoneCallRejectedException(PhoneCallRejection.RateLimited, rate.RefusedForTheClient
                    ? $"You placed {_placedCalls.PerClient} calls in the last minute; try again in {Math.Ceiling(rate.RetryAfter.TotalSeconds):0} s."
                    : $"The app placed {_placedCalls.Overall} calls in the last minute; try again in {Math.Ceiling(rate.RetryAfter.TotalSeconds):0} s.",
                    rate.RetryAfter);
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
