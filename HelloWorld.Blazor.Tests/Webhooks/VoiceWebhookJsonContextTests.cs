using System.Text.Json;
using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MvcJsonOptions = Microsoft.AspNetCore.Mvc.JsonOptions;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>MVC reads the Voice webhooks' bodies through the generated context, with its own options and the spec's shapes.</summary>
public sealed class VoiceWebhookJsonContextTests : IClassFixture<AccountModeAppFactory>
{
    private readonly JsonSerializerOptions _mvc;

    public VoiceWebhookJsonContextTests(AccountModeAppFactory app) =>
        _mvc = app.Services.GetRequiredService<IOptions<MvcJsonOptions>>().Value.JsonSerializerOptions;

    public static TheoryData<Type> Callbacks =>
    [
        typeof(InitiateCallback), typeof(AnswerCallback), typeof(DisconnectCallback),
        typeof(TransferAnswerCallback), typeof(TransferCompleteCallback), typeof(TransferDisconnectCallback),
    ];

    [Theory]
    [MemberData(nameof(Callbacks))]
    public void EveryWebhookBody_IsReadThroughTheGeneratedContext(Type callback) =>
        Assert.Same(VoiceWebhookJsonContext.Default, _mvc.GetTypeInfo(callback).OriginatingResolver);

    [Fact]
    public void TheApiBodiesAndProblemDetails_AreStillReadAndWritten()
    {
        Assert.Equal("+19195550123", JsonSerializer.Deserialize<CallPhoneRequest>("""{"TO": "+19195550123"}""", _mvc)!.To);
        Assert.Contains("\"title\":\"t\"", JsonSerializer.Serialize(new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "t" }, _mvc));
    }

    [Fact]
    public void Initiate_AsVoiceYmlShowsIt_IsReadWithEveryField_AndRoundTrips()
    {
        var read = JsonSerializer.Deserialize<InitiateCallback>(VoiceWebhookPayloads.Initiate(), _mvc)!;

        Assert.Equal(
            new InitiateCallback("initiate", new DateTimeOffset(2022, 6, 17, 22, 19, 40, 375, TimeSpan.Zero), "920012",
                "04e88489-df02-4e34-a0ee-27a91849555f", "+15555555555", "+19195550100", "inbound", VoiceWebhookPayloads.CallId,
                $"https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{VoiceWebhookPayloads.CallId}",
                new DateTimeOffset(2022, 6, 17, 22, 19, 40, 375, TimeSpan.Zero)),
            read);
        Assert.Equal(read, JsonSerializer.Deserialize<InitiateCallback>(JsonSerializer.Serialize(read, _mvc), _mvc));
    }

    [Fact]
    public void TheOtherWebhooks_AsVoiceYmlShowsThem_AreReadWithTheFieldsTheAppActsOn_AndRoundTrip()
    {
        var disconnect = RoundTrip<DisconnectCallback>(VoiceWebhookPayloads.Disconnect(cause: "busy"));
        Assert.Equal(("disconnect", VoiceWebhookPayloads.CallId, "busy"), (disconnect.EventType, disconnect.CallId, disconnect.Cause));
        var answer = RoundTrip<AnswerCallback>(VoiceWebhookPayloads.Answer());
        Assert.Equal(("answer", "hello-world"), (answer.EventType, answer.Tag));
        var transferAnswer = RoundTrip<TransferAnswerCallback>(VoiceWebhookPayloads.TransferAnswer());
        Assert.Equal(("transferAnswer", VoiceWebhookPayloads.CallId), (transferAnswer.EventType, transferAnswer.ParentCallId));
        var complete = RoundTrip<TransferCompleteCallback>(VoiceWebhookPayloads.TransferComplete(cause: "timeout", errorMessage: "no answer"));
        Assert.Equal(("transferComplete", "timeout", "no answer"), (complete.EventType, complete.Cause, complete.ErrorMessage));
        var transferDisconnect = RoundTrip<TransferDisconnectCallback>(VoiceWebhookPayloads.TransferDisconnect(cause: "rejected"));
        Assert.Equal(("transferDisconnect", "rejected"), (transferDisconnect.EventType, transferDisconnect.Cause));
    }

    private T RoundTrip<T>(string json)
    {
        var read = JsonSerializer.Deserialize<T>(json, _mvc)!;
        Assert.Equal(read, JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(read, _mvc), _mvc));
        return read;
    }
}
