namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>
/// Webhook bodies as voice.yml's initiateCallback, answerCallback, disconnectCallback and transfer callbacks describe them,
/// with its examples (and <c>parentCallId</c> on transferAnswer, which Bandwidth's docs list and voice.yml omits).
/// </summary>
internal static class VoiceWebhookPayloads
{
    public const string CallId = "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85";

    public static string Initiate(string callId = CallId, string from = "+15555555555") => $$"""
        {
          "eventType": "initiate",
          "eventTime": "2022-06-17T22:19:40.375Z",
          "accountId": "920012",
          "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
          "from": "{{from}}",
          "to": "+19195550100",
          "direction": "inbound",
          "callId": "{{callId}}",
          "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{callId}}",
          "startTime": "2022-06-17T22:19:40.375Z",
          "diversion": {"reason": "unavailable"},
          "stirShaken": {"verstat": "TN-Verification-Passed", "attestationIndicator": "A", "originatingId": "abc123"}
        }
        """;

    public static string Answer(string callId = CallId) => $$"""
        {
          "eventType": "answer",
          "eventTime": "2022-06-17T22:19:40.375Z",
          "accountId": "920012",
          "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
          "from": "+19195550100",
          "to": "+19195550123",
          "direction": "outbound",
          "callId": "{{callId}}",
          "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{callId}}",
          "enqueuedTime": "2022-06-17T22:20:00.000Z",
          "startTime": "2022-06-17T22:19:40.375Z",
          "answerTime": "2022-06-17T22:20:00.000Z",
          "tag": "hello-world",
          "machineDetectionResult": {"value": "human", "duration": "PT4.9891528S"}
        }
        """;

    public static string Disconnect(string callId = CallId, string cause = "hangup") => $$"""
        {
          "eventType": "disconnect",
          "eventTime": "2022-06-17T22:19:40.375Z",
          "accountId": "920012",
          "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
          "from": "+19195550100",
          "to": "+19195550123",
          "callId": "{{callId}}",
          "direction": "outbound",
          "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{callId}}",
          "enqueuedTime": "2022-06-17T22:20:00.000Z",
          "startTime": "2022-06-17T22:19:40.375Z",
          "answerTime": "2022-06-17T22:20:00.000Z",
          "endTime": "2022-06-17T22:20:00.000Z",
          "cause": "{{cause}}",
          "errorMessage": null,
          "errorId": null,
          "tag": "hello-world"
        }
        """;

    public const string TransferLegId = "c-2a913f94-6a486f3a-3cae-4034-bcc3-f0c9fa77ca2f";

    /// <summary>transferAnswerCallback: the Transfer's B-leg answered; <c>parentCallId</c> names the call that ran the Transfer.</summary>
    public static string TransferAnswer(string parentCallId = CallId) => $$"""
        {
          "eventType": "transferAnswer",
          "eventTime": "2022-06-17T22:19:41.375Z",
          "accountId": "920012",
          "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
          "from": "+15555555555",
          "to": "+19195550100",
          "direction": "outbound",
          "callId": "{{TransferLegId}}",
          "parentCallId": "{{parentCallId}}",
          "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{TransferLegId}}",
          "startTime": "2022-06-17T22:19:40.375Z",
          "answerTime": "2022-06-17T22:19:41.375Z",
          "transferCallerId": "+15555555555",
          "transferTo": "sip:sipx.webrtc.bandwidth.com:5060"
        }
        """;

    /// <summary>transferCompleteCallback: the B-leg ended; sent for the call that ran the Transfer.</summary>
    public static string TransferComplete(string callId = CallId, string? cause = "hangup", string? errorMessage = null) => $$"""
        {
          "eventType": "transferComplete",
          "eventTime": "2022-06-17T22:20:40.375Z",
          "accountId": "920012",
          "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
          "from": "+15555555555",
          "to": "+19195550100",
          "direction": "inbound",
          "callId": "{{callId}}",
          "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{callId}}",
          "startTime": "2022-06-17T22:19:40.375Z",
          "answerTime": "2022-06-17T22:19:40.500Z",
          "transferCallerId": "+15555555555",
          "transferTo": "sip:sipx.webrtc.bandwidth.com:5060",
          "cause": {{Json(cause)}},
          "errorMessage": {{Json(errorMessage)}},
          "errorId": {{(errorMessage is null ? "null" : "\"4642074b-7b58-478b-96e4-3a60955c6765\"")}}
        }
        """;

    /// <summary>transferDisconnectCallback: the B-leg ended; <c>parentCallId</c> names the call that ran the Transfer.</summary>
    public static string TransferDisconnect(string parentCallId = CallId, string? cause = "hangup", string? errorMessage = null) => $$"""
        {
          "eventType": "transferDisconnect",
          "eventTime": "2022-06-17T22:20:40.375Z",
          "accountId": "920012",
          "applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
          "from": "+15555555555",
          "to": "+19195550100",
          "direction": "outbound",
          "callId": "{{TransferLegId}}",
          "parentCallId": "{{parentCallId}}",
          "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{TransferLegId}}",
          "startTime": "2022-06-17T22:19:40.375Z",
          "endTime": "2022-06-17T22:20:40.375Z",
          "transferCallerId": "+15555555555",
          "transferTo": "sip:sipx.webrtc.bandwidth.com:5060",
          "cause": {{Json(cause)}},
          "errorMessage": {{Json(errorMessage)}},
          "errorId": null
        }
        """;

    private static string Json(string? value) => System.Text.Json.JsonSerializer.Serialize(value);
}
