using System.Diagnostics.Metrics;

namespace Mq.NameServers;

/// <summary>
/// The <c>Mq.NameServers</c> meter of one node (tagged with its address, so several nodes in a process stay
/// apart): broker registrations, route lookups by outcome, live brokers.
/// </summary>
internal sealed class NameServerMetrics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "Mq.NameServers";

    private static readonly KeyValuePair<string, object?> Found = new("outcome", "found");
    private static readonly KeyValuePair<string, object?> NotFound = new("outcome", "not_found");

    private readonly Meter _meter;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _routeLookups;

    public NameServerMetrics(string address, RouteRegistry routes)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new("mq.nameserver.address", address)] });
        _registrations = _meter.CreateCounter<long>("mq.nameserver.registrations", "{registration}", "REGISTER_BROKER requests accepted");
        _routeLookups = _meter.CreateCounter<long>("mq.nameserver.route_lookups", "{lookup}", "GET_ROUTEINFO_BY_TOPIC requests answered");
        _meter.CreateObservableGauge("mq.nameserver.live_brokers", () => routes.LiveBrokerCount, "{broker}", "Broker addresses considered alive");
    }

    public void Registered() => _registrations.Add(1);

    public void RouteLookup(bool found) => _routeLookups.Add(1, found ? Found : NotFound);

    public void Dispose() => _meter.Dispose();
}
