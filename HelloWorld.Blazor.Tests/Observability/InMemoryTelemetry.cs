using System.Collections.Concurrent;
using System.Diagnostics;
using HelloWorld.Blazor.Observability;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HelloWorld.Blazor.Tests.Observability;

/// <summary>
/// The app's OpenTelemetry pipeline (<see cref="ObservabilityExtensions.AddAppOpenTelemetry"/>, what OTLP would export)
/// with in-memory exporters instead: every activity, every metric collection and every log record, as text where a
/// record is reused after its export.
/// </summary>
public sealed class InMemoryTelemetry
{
    public ConcurrentQueue<Activity> Activities { get; } = new();

    public List<MetricSnapshot> Metrics { get; } = [];

    /// <summary>Each exported log record: category, message, body, attributes and exception, flattened.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public void AddTo(IServiceCollection services) =>
        services.AddAppOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(new ActivityQueue(Activities)))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(Metrics))
            .WithLogging(logging => logging.AddProcessor(new SimpleLogRecordExportProcessor(new LogText(Logs))));

    /// <summary>Collects every instrument now and answers the newest collection of <paramref name="name"/>.</summary>
    public MetricSnapshot? Collect(IServiceProvider services, string name)
    {
        services.GetRequiredService<MeterProvider>().ForceFlush();
        lock (Metrics)
        {
            return Metrics.LastOrDefault(metric => metric.Name == name);
        }
    }

    /// <summary>
    /// The total of the points whose attributes include every one of <paramref name="tags"/>: their sums, or for a
    /// histogram the number of values it recorded.
    /// </summary>
    public static long Value(MetricSnapshot? metric, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (var point in metric?.MetricPoints ?? [])
        {
            var pointTags = new Dictionary<string, string?>();
            foreach (var tag in point.Tags)
            {
                pointTags[tag.Key] = tag.Value?.ToString();
            }
            if (tags.All(tag => pointTags.TryGetValue(tag.Key, out var value) && value == tag.Value))
            {
                var copy = point;
                total += metric!.MetricType == MetricType.Histogram ? copy.GetHistogramCount() : copy.GetSumLong();
            }
        }
        return total;
    }

    /// <summary>Every string the exporters were handed: names, attributes, events, statuses, log lines, metric attributes.</summary>
    public IReadOnlyList<string> AllText()
    {
        var text = new List<string>();
        foreach (var activity in Activities)
        {
            text.Add($"{activity.Source.Name} {activity.DisplayName} {activity.StatusDescription}");
            text.AddRange(activity.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"));
            text.AddRange(activity.Baggage.Select(item => $"{item.Key}={item.Value}"));
            text.AddRange(activity.Events.SelectMany(e => e.Tags.Select(tag => $"{e.Name} {tag.Key}={tag.Value}").Append(e.Name)));
        }
        text.AddRange(Logs);
        lock (Metrics)
        {
            foreach (var metric in Metrics)
            {
                foreach (var point in metric.MetricPoints)
                {
                    foreach (var tag in point.Tags)
                    {
                        text.Add($"{metric.Name} {tag.Key}={tag.Value}");
                    }
                }
            }
        }
        return text;
    }

    private sealed class ActivityQueue(ConcurrentQueue<Activity> queue) : ICollection<Activity>
    {
        public int Count => queue.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item) => queue.Enqueue(item);

        public void Clear() => queue.Clear();

        public bool Contains(Activity item) => queue.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => queue.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Log records are reused once exported: each is written down as text while it is valid.</summary>
    private sealed class LogText(ConcurrentQueue<string> lines) : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            foreach (var record in batch)
            {
                var attributes = string.Join(",", record.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
                lines.Enqueue($"{record.CategoryName} {record.EventId} {record.FormattedMessage} {record.Body} {attributes} {record.Exception}");
            }
            return ExportResult.Success;
        }
    }
}
