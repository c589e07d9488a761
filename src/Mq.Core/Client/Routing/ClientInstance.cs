using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Client;

/// <summary>
/// What RocketMQ's <c>MQClientInstance</c> shares between a client's parts: the client id, one connection
/// pool, the NameServer list with fail-over, the route cache refreshed every 30 s, heartbeats to every
/// broker and the broker callbacks. Each <see cref="Producer"/>, <see cref="PushConsumer"/> and <see cref="PullConsumer"/> owns one
/// (a consumer's send-back producer shares its consumer's).
/// </summary>
internal sealed partial class ClientInstance : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TopicRouteData> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SortedDictionary<long, string>> _brokerAddresses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _topics = new(StringComparer.Ordinal);
    private readonly string[] _nameServers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _heartbeatGate = new(1, 1);
    private int _nameServerIndex;
    private Task? _routeLoop;
    private Task? _heartbeatLoop;
    private int _state;

    public ClientInstance(ClientOptions options, ILoggerFactory? loggerFactory, TimeProvider? time, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Options = options;
        Time = time ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("Mq.Client");
        _nameServers = [.. options.NameServerAddresses];
        IPAddress ip = options.ClientIp is { } configured ? IPAddress.Parse(configured) : FindLocalAddress();
        int randomPart = Random.Shared.Next();
        string instance = options.InstanceName
            ?? Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "#" + ((uint)randomPart).ToString(System.Globalization.CultureInfo.InvariantCulture) + Time.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture);
        ClientId = ip + "@" + instance;
        Ids = new UniqueIdGenerator(ip, Environment.ProcessId, randomPart, Time);
        Metrics = new ClientMetrics(meterFactory);
        Remoting = new RemotingClient(options.Transport, loggerFactory: LoggerFactory);
        if (!string.IsNullOrEmpty(options.AccessKey))
        {
            string accessKey = options.AccessKey;
            byte[] secretKey = System.Text.Encoding.UTF8.GetBytes(options.SecretKey ?? string.Empty);
            string? securityToken = options.SecurityToken;
            Remoting.BeforeRequest = request => Protocol.AclRequestSigner.Sign(request, accessKey, secretKey, securityToken);
        }
        RegisterCallbacks();
    }

    public ClientOptions Options { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public string ClientId { get; }

    public UniqueIdGenerator Ids { get; }

    public ClientMetrics Metrics { get; }

    public RemotingClient Remoting { get; }

    /// <summary>The producer using this instance (heartbeats, transaction check-backs).</summary>
    public Producer? Producer { get; set; }

    /// <summary>The consumer using this instance (heartbeats, rebalance notifications).</summary>
    public IClientConsumer? Consumer { get; set; }

    /// <summary>Requests waiting for their reply (request-reply), by correlation id.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<ReceivedMessage>> ReplyWaiters { get; } = new(StringComparer.Ordinal);

    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts the route-refresh and heartbeat loops.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }
        _routeLoop = Task.Run(RouteLoopAsync);
        _heartbeatLoop = Task.Run(HeartbeatLoopAsync);
        Logger.ClientStarted(ClientId);
    }

    /// <summary>Topics whose routes the periodic refresh keeps current.</summary>
    public void TrackTopic(string topic) => _topics.TryAdd(topic, 0);

    public TopicRouteData? CachedRoute(string topic) => _routes.TryGetValue(topic, out TopicRouteData? route) ? route : null;

    /// <summary>The master's address of <paramref name="brokerName"/>, or null.</summary>
    public string? FindMasterAddress(string brokerName)
    {
        if (_brokerAddresses.TryGetValue(brokerName, out SortedDictionary<long, string>? addresses))
        {
            lock (addresses)
            {
                return addresses.TryGetValue(0, out string? master) ? master : null;
            }
        }
        return null;
    }

    /// <summary>The master's address, else any address of <paramref name="brokerName"/> (offset queries), or null.</summary>
    public string? FindAnyAddress(string brokerName)
    {
        if (_brokerAddresses.TryGetValue(brokerName, out SortedDictionary<long, string>? addresses))
        {
            lock (addresses)
            {
                foreach (KeyValuePair<long, string> entry in addresses)
                {
                    return entry.Value;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The address to pull from (RocketMQ <c>MQClientInstance.findBrokerAddressInSubscribe</c>, not limited to
    /// that broker): <paramref name="brokerId"/>, else for a slave id the next one, else any node of the group
    /// (the slave while the master is gone). Null when the group is unknown.
    /// </summary>
    public string? FindSubscribeAddress(string brokerName, long brokerId, out bool isSlave)
    {
        isSlave = false;
        if (!_brokerAddresses.TryGetValue(brokerName, out SortedDictionary<long, string>? addresses))
        {
            return null;
        }
        lock (addresses)
        {
            if (addresses.TryGetValue(brokerId, out string? address) || (brokerId != 0 && addresses.TryGetValue(++brokerId, out address)))
            {
                isSlave = brokerId != 0;
                return address;
            }
            foreach (KeyValuePair<long, string> entry in addresses)
            {
                isSlave = entry.Key != 0;
                return entry.Value;
            }
        }
        return null;
    }

    /// <summary>Every known broker address, masters first.</summary>
    public List<string> AllBrokerAddresses(bool mastersOnly)
    {
        var result = new List<string>();
        foreach (KeyValuePair<string, SortedDictionary<long, string>> broker in _brokerAddresses)
        {
            lock (broker.Value)
            {
                foreach (KeyValuePair<long, string> entry in broker.Value)
                {
                    if ((!mastersOnly || entry.Key == 0) && !result.Contains(entry.Value))
                    {
                        result.Add(entry.Value);
                    }
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Asks the NameServers for <paramref name="topic"/>'s route and caches it. Returns null when the topic
    /// does not exist (TOPIC_NOT_EXIST); throws when no NameServer answers.
    /// </summary>
    public async Task<TopicRouteData?> UpdateRouteAsync(string topic, CancellationToken cancellationToken)
    {
        TopicRouteData? route = await QueryRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        if (route is not null)
        {
            StoreRoute(topic, route);
        }
        return route;
    }

    /// <summary>Caches <paramref name="route"/> under <paramref name="topic"/> and learns its broker addresses.</summary>
    public void StoreRoute(string topic, TopicRouteData route)
    {
        _routes[topic] = route;
        foreach (BrokerData broker in route.BrokerDatas)
        {
            SortedDictionary<long, string> addresses = _brokerAddresses.GetOrAdd(broker.BrokerName, static _ => []);
            lock (addresses)
            {
                addresses.Clear();
                foreach (KeyValuePair<long, string> entry in broker.BrokerAddrs)
                {
                    addresses[entry.Key] = entry.Value;
                }
            }
        }
    }

    public async Task<TopicRouteData?> QueryRouteAsync(string topic, CancellationToken cancellationToken)
    {
        (RemotingCommand answer, string address) = await InvokeNameServerAsync(
            () => RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = topic }),
            "GET_ROUTEINFO_BY_TOPIC " + topic, cancellationToken).ConfigureAwait(false);
        using RemotingCommand response = answer;
        if (response.Code == ResponseCode.TopicNotExist)
        {
            return null;
        }
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, "GET_ROUTEINFO_BY_TOPIC " + topic);
        }
        return TopicRouteData.Decode(response.Body.Span);
    }

    /// <summary>
    /// Sends a request (a fresh one per attempt) to the NameServer in use, failing over to the next when one does not
    /// answer; returns the first answer whatever its code (the caller disposes it) and the NameServer that gave it.
    /// </summary>
    public async Task<(RemotingCommand Response, string Address)> InvokeNameServerAsync(Func<RemotingCommand> request, string operation, CancellationToken cancellationToken)
    {
        Exception? last = null;
        int start = Volatile.Read(ref _nameServerIndex);
        for (int i = 0; i < _nameServers.Length; i++)
        {
            int index = (start + i) % _nameServers.Length;
            string address = _nameServers[index];
            try
            {
                RemotingCommand response = await Remoting.InvokeAsync(address, request(), Options.ClientApiTimeout, cancellationToken).ConfigureAwait(false);
                // A NameServer that answered is the one to keep using (Java sticks to the chosen namesrv channel).
                Volatile.Write(ref _nameServerIndex, index);
                return (response, address);
            }
            catch (RemotingException ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
                Logger.NameServerFailed(ex, address);
            }
        }
        throw ClientErrors.NameServersUnavailable(operation, last);
    }

    /// <summary>Every configured NameServer address.</summary>
    public IReadOnlyList<string> NameServers => _nameServers;

    /// <summary>Sends a request and returns the response (the caller disposes it); remoting faults become <see cref="MqClientException"/>.</summary>
    public async Task<RemotingCommand> InvokeAsync(string address, RemotingCommand request, TimeSpan timeout, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await Remoting.InvokeValueAsync(address, request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RemotingException ex)
        {
            throw ClientErrors.FromRemoting(ex, operation);
        }
    }

    /// <summary>Sends a oneway request; failures are returned as false (callers log).</summary>
    public async ValueTask<bool> InvokeOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken)
    {
        try
        {
            await Remoting.InvokeOnewayAsync(address, request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RemotingException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (Task? loop in new[] { _routeLoop, _heartbeatLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        await Remoting.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
        _stopping.Dispose();
        _heartbeatGate.Dispose();
        Logger.ClientStopped(ClientId);
    }

    private async Task RouteLoopAsync()
    {
        using var timer = new PeriodicTimer(Options.PollNameServerInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await RefreshRoutesAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task RefreshRoutesAsync(CancellationToken cancellationToken)
    {
        foreach (string topic in _topics.Keys)
        {
            try
            {
                await UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (MqClientException ex)
            {
                Logger.RouteRefreshFailed(ex, topic);
            }
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(Options.HeartbeatBrokerInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await SendHeartbeatToAllBrokersAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// HEART_BEAT to every known broker (masters only when there is no consumer), as Java's
    /// <c>sendHeartbeatToAllBroker</c>. Returns false when any broker refused or could not be reached.
    /// </summary>
    public async Task<bool> SendHeartbeatToAllBrokersAsync(CancellationToken cancellationToken)
    {
        await _heartbeatGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var data = new HeartbeatData { ClientId = ClientId };
            Producer?.AddHeartbeat(data);
            Consumer?.AddHeartbeat(data);
            if (data.ProducerDataSet.Count == 0 && data.ConsumerDataSet.Count == 0)
            {
                return true;
            }
            byte[] body = data.Encode();
            bool ok = true;
            foreach (string address in AllBrokerAddresses(mastersOnly: data.ConsumerDataSet.Count == 0))
            {
                RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
                request.SetBody(body);
                try
                {
                    using RemotingCommand response = await Remoting.InvokeAsync(address, request, Options.ClientApiTimeout, cancellationToken).ConfigureAwait(false);
                    if (response.Code != ResponseCode.Success)
                    {
                        ok = false;
                        Logger.HeartbeatFailed(ClientErrors.FromResponse(response, address, "HEART_BEAT"), address);
                    }
                }
                catch (RemotingException ex)
                {
                    ok = false;
                    Logger.HeartbeatFailed(ex, address);
                }
            }
            return ok;
        }
        finally
        {
            _heartbeatGate.Release();
        }
    }

    /// <summary>UNREGISTER_CLIENT to every known broker address (best effort).</summary>
    public async Task UnregisterAsync(string? producerGroup, string? consumerGroup, CancellationToken cancellationToken)
    {
        foreach (string address in AllBrokerAddresses(mastersOnly: false))
        {
            var header = new UnregisterClientRequestHeader { ClientId = ClientId, ProducerGroup = producerGroup, ConsumerGroup = consumerGroup };
            try
            {
                using RemotingCommand response = await Remoting.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.UnregisterClient, header),
                    Options.ClientApiTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RemotingException ex)
            {
                Logger.UnregisterFailed(ex, address);
            }
        }
    }

    // RocketMQ RemotingUtil.getLocalAddress: the first non-loopback IPv4 outside 192.168/127.0, else the
    // last IPv4 found (a 192.168 one), else loopback.
    private static IPAddress FindLocalAddress()
    {
        IPAddress? candidate = null;
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up)
                {
                    continue;
                }
                foreach (UnicastIPAddressInformation info in nic.GetIPProperties().UnicastAddresses)
                {
                    IPAddress address = info.Address;
                    if (address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(address))
                    {
                        continue;
                    }
                    byte[] bytes = address.GetAddressBytes();
                    if (bytes[0] == 192 && bytes[1] == 168)
                    {
                        candidate = address;
                        continue;
                    }
                    return address;
                }
            }
        }
        catch (NetworkInformationException)
        {
        }
        return candidate ?? IPAddress.Loopback;
    }
}

