using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HelloWorld.Emulator.Tokens;

/// <summary>
/// Issues and checks device tokens shaped like Bandwidth's: a JWT whose <c>v</c> claim selects the V3 device protocol
/// (the browser SDK reads it without checking the signature) and whose <c>p</c> claim names the participant.
/// The signing key lives only as long as the process, so a token never outlives the emulator that issued it.
/// </summary>
internal sealed class DeviceTokens(string accountId, TimeSpan lifetime, TimeProvider timeProvider) : IDisposable
{
    public const string Issuer = "bandwidth-emulator";
    private const string ParticipantClaim = "p";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issue(string participantId)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["v"] = "V3",
                ["a"] = accountId,
                [ParticipantClaim] = participantId,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });
    }

    /// <summary>The participant id the token names, or <c>null</c> for a token that is malformed, forged or expired.</summary>
    public async Task<string?> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = false,
            IssuerSigningKey = new ECDsaSecurityKey(_key),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = timeProvider.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now) && expires is not null && now < expires;
            },
        }).ConfigureAwait(false);
        return result.IsValid && result.Claims.TryGetValue(ParticipantClaim, out var participant) && participant is string id
            ? id
            : null;
    }

    public void Dispose() => _key.Dispose();
}
