namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>Webhook bodies as voice.yml's initiateCallback, answerCallback and disconnectCallback describe them, with its examples.</summary>
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
}
