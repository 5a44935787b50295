using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Emulation;
using HelloWorld.Blazor.Components;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using HelloWorld.Blazor.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.Configuration.AddBandwidthSampleEnvironmentVariables();
builder.AddBandwidth();
builder.Services.AddConference();
builder.Services.AddVoiceWebhooks();
builder.Services.AddAppApi();
builder.Services.AddCallPage();
builder.Services.AddWebSecurity();

var app = builder.Build();

app.UseTrustedProxies();
app.UseCallPageErrors();
app.UseWebSecurity();
app.MapBandwidthEmulatorWhenEnabled();
app.MapVoiceWebhooks();
app.MapCallPage();

app.Run();
