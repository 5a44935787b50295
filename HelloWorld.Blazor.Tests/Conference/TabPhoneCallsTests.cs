using System.Net;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using HelloWorld.Blazor.Tests.Security;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>Each tab controls the calls it placed, and only those; it sees the others' phones masked.</summary>
public sealed class TabPhoneCallsTests : IDisposable
{
    private const string Phone = "+19195550123";
    private const string OtherPhone = "+19195550124";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly PhoneCallsUnderTest _calls;

    public TabPhoneCallsTests() =>
        _calls = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(),
            new PhoneCallOptions { MaxCallsPerMinute = 100, MaxCallsPerClientPerMinute = 100 }, clock: _clock);

    public void Dispose() => _calls.Dispose();

    /// <summary>Issue 11: one tab placed 10 calls in 7.5 s against 3/min, because the CALL button was under no per-client limit.</summary>
    [Fact]
    public async Task TheCallButton_TenCallsFromOneClientIn7_5Seconds_Against3PerMinute_PlacesThree()
    {
        using var limited = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(),
            new PhoneCallOptions { MaxCallsPerMinute = 6, MaxCallsPerClientPerMinute = 3 }, clock: _clock);
        var tab = await TabAsync(limited, "203.0.113.7");
        var refusals = new List<PhoneCallRejection>();

        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                var call = await tab.CallAsync(Phone);
                await limited.Legs.EndCallAsync(call.CallId!, "hangup"); // frees the number for the next click
            }
            catch (PhoneCallRejectedException rejected)
            {
                refusals.Add(rejected.Reason);
            }
            _clock.Advance(TimeSpan.FromSeconds(7.5 / 9));
        }

        Assert.Equal(3, limited.Voice.Created.Count);
        Assert.Equal(Enumerable.Repeat(PhoneCallRejection.RateLimited, 7), refusals);
    }

    [Fact]
    public async Task TheCallButtonAndCallPhone_SpendFromOneLimitPerClient()
    {
        using var limited = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(),
            new PhoneCallOptions { MaxCallsPerMinute = 100, MaxCallsPerClientPerMinute = 2 }, clock: _clock);
        var tab = await TabAsync(limited, "203.0.113.7");
        var client = ClientAddress.From(IPAddress.Parse("203.0.113.7"));
        var viaApi = await limited.Service.CallAsync(Phone, client); // what POST /callPhone does
        await limited.Legs.EndCallAsync(viaApi.CallId, "hangup");

        await tab.CallAsync(Phone);
        var refused = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => limited.Service.CallAsync(OtherPhone, client));

        Assert.Equal(PhoneCallRejection.RateLimited, refused.Reason);
    }

    [Fact]
    public async Task ATabsOwnCall_ShowsInFull_AndMayBeHungUp_ByThatTabOnly()
    {
        var mine = await TabAsync(_calls, "203.0.113.7");
        var other = await TabAsync(_calls, "203.0.113.7");
        var placed = await mine.CallAsync(Phone);
        await _calls.Legs.AnswerOutboundCallAsync(placed.CallId!, default);

        var own = Assert.Single(mine.View.Active);
        var seen = Assert.Single(other.View.Active);
        await Assert.ThrowsAsync<PhoneCallRejectedException>(() => other.HangUpAsync(placed.CallId!));
        await Assert.ThrowsAsync<PhoneCallRejectedException>(() => other.HangUpAsync(seen.Key));
        await mine.HangUpAsync(placed.CallId!);

        Assert.Equal((Phone, true, placed.CallId), (own.Number, own.CanHangUp, own.CallId));
        Assert.Equal(("+1•••••0123", false, null), (seen.Number, seen.CanHangUp, seen.CallId));
        Assert.DoesNotContain(placed.CallId!, seen.Key, StringComparison.Ordinal);
        Assert.Equal(placed.CallId, Assert.Single(_calls.Voice.Updated).CallId);
    }

    [Fact]
    public async Task AnotherTabsCall_IsNotShownWhileItRings_AndADialInIsShownMaskedOnceItIsIn()
    {
        var mine = await TabAsync(_calls, "203.0.113.7");
        var other = await TabAsync(_calls, "198.51.100.20");
        await other.CallAsync(Phone);
        await _calls.Legs.AcceptInboundCallAsync("c-dial-in", "+442071234567", "+19195550100", default);

        var dialIn = Assert.Single(mine.View.Active);

        Assert.Equal(("+4•••••4567", CallDirection.Inbound, false), (dialIn.Number, dialIn.Direction, dialIn.CanHangUp));
        Assert.Equal("Phone +4•••••4567", mine.PhoneLabel(_calls.Registry.Find("c-dial-in")!.ParticipantId!));
    }

    [Fact]
    public async Task ACallPlacedThroughCallPhone_BelongsToNoTab()
    {
        var tab = await TabAsync(_calls, "203.0.113.7");
        var call = await _calls.Service.CallAsync(Phone, ClientAddress.From(IPAddress.Parse("203.0.113.7")));
        await _calls.Legs.AnswerOutboundCallAsync(call.CallId, default);

        Assert.False(Assert.Single(tab.View.Active).IsOwn);
        await Assert.ThrowsAsync<PhoneCallRejectedException>(() => tab.HangUpAsync(call.CallId));
        Assert.Empty(_calls.Voice.Updated);
    }

    [Fact]
    public async Task History_IsThisTabsEndedCallsOnly_TheLastTen_NewestFirst()
    {
        var tab = await TabAsync(_calls, "203.0.113.7");
        var other = await TabAsync(_calls, "203.0.113.7");
        var placed = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var call = await tab.CallAsync(Phone);
            placed.Add(call.CallId!);
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _calls.Legs.EndCallAsync(call.CallId!, "hangup");
            var others = await other.CallAsync(OtherPhone);
            await _calls.Legs.EndCallAsync(others.CallId!, "hangup");
        }

        var history = tab.View.History;

        Assert.Equal(Enumerable.Reverse(placed).Take(10), history.Select(call => call.CallId));
        Assert.All(history, call => Assert.Equal((Phone, false), (call.Number, call.CanHangUp)));
        Assert.Empty(tab.View.Active);
    }

    [Fact]
    public async Task AFullConference_RefusesTheCall_BeforeAnythingIsSpent()
    {
        using var full = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(),
            new PhoneCallOptions { MaxCallsPerMinute = 1 }, new ParticipantOptions { MaxPerSession = 1 }, _clock);
        await full.Participants.JoinAsync(ParticipantKind.Browser);
        var tab = await TabAsync(full, "203.0.113.7");

        var refused = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => tab.CallAsync(Phone));

        Assert.Equal(PhoneCallRejection.ConferenceFull, refused.Reason);
        Assert.Equal("The call is full (1 of 1).", refused.Message);
        Assert.Empty(full.Voice.Created);
        Assert.Equal(1, full.WebRtc.Calls("createParticipant"));
        await full.Participants.LeaveAsync(full.WebRtc.Participants.Single().Id);
        await tab.CallAsync(Phone); // the refusal spent none of the one call a minute
    }

    private static async Task<TabPhoneCalls> TabAsync(PhoneCallsUnderTest calls, string address) =>
        new(await InHubCall.TabFromAsync(address), calls.Service, calls.Registry);
}

public sealed class PhoneNumberMaskTests
{
    [Theory]
    [InlineData("+19195550123", "+1•••••0123")]
    [InlineData("+442071234567", "+4•••••4567")]
    [InlineData("+123456789012345", "+1•••••2345")]
    [InlineData("+12345678", "+•••••5678")]
    [InlineData("19195550123", "•••••0123")]
    [InlineData("+1 919 555 0123", "•••••0123")]
    [InlineData("+1234567", "•••••")]
    [InlineData("anonymous", "•••••")]
    [InlineData("sip:alice@example.com", "•••••")]
    [InlineData("", "•••••")]
    [InlineData(null, "•••••")]
    public void Mask_ShowsAtMostTheCountryCodesFirstDigitAndTheLastFour(string? number, string masked) =>
        Assert.Equal(masked, PhoneNumberMask.Mask(number));

    [Fact]
    public void Mask_ShowsNoTextButDigits_WhateverAWebhookClaims() =>
        Assert.Equal("•••••6789", PhoneNumberMask.Mask("<script>alert(1)</script>" + new string('x', 60_000) + "123456789"));
}
