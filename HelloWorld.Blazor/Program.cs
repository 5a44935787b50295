using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Emulation;
using HelloWorld.Blazor.Components;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Http;
using HelloWorld.Blazor.Observability;
using HelloWorld.Blazor.Observability.Health;
using HelloWorld.Blazor.Scaleout;
using HelloWorld.Blazor.Security;
using HelloWorld.Blazor.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.Configuration.AddBandwidthSampleEnvironmentVariables();
builder.AddBandwidth();
builder.AddScaleout();
builder.Services.AddConference();
builder.Services.AddWarmStart();
builder.Services.AddAppControllers();
builder.Services.AddVoiceWebhooks();
builder.Services.AddAppApi();
builder.Services.AddCallPage();
builder.Services.AddWebSecurity();
builder.AddObservability();

var app = builder.Build();

app.UseForwardedHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
    app.UseHttpsRedirection();
}
app.UseWhen(CallPageExtensions.AsksForAPage, page => page.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseSecurityHeaders();
if (app.IsBandwidthEmulated())
{
    app.UseWebSockets();
}
app.UseRejectedRequestLog();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapHealthEndpoints();
app.MapBandwidthEmulatorWhenEnabled();
app.MapControllers();
app.MapCallPage();

app.Run();
