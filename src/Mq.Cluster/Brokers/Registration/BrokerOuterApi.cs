using Mq.Brokers.Topics;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Brokers.Registration;

/// <summary>
/// The broker's calls to its NameServers (RocketMQ <c>BrokerOuterAPI</c>): REGISTER_BROKER to every
/// configured NameServer in parallel (at start, periodically, and oneway after topic changes) and
/// UNREGISTER_BROKER at stop. The body lists every topic with the topic table's DataVersion.
/// </summary>
internal sealed class BrokerOuterApi(Broker broker, RemotingClient client) : IAsyncDisposable
{
    private readonly RemotingClient _client = client;
    private List<string> _nameServers = broker.Options.NameServerAddresses();

    /// <summary>
    /// Opens the connection to every NameServer in <paramref name="nameServers"/> ahead of the first
    /// registration; never throws (a NameServer that cannot be reached is reported by the registration).
    /// </summary>
    public static Task ConnectAsync(RemotingClient client, List<string> nameServers, CancellationToken cancellationToken)
    {
        if (nameServers.Count == 0)
        {
            return Task.CompletedTask;
        }
        var connects = new Task[nameServers.Count];
        for (int i = 0; i < connects.Length; i++)
        {
            connects[i] = client.TryConnectAsync(nameServers[i], cancellationToken);
        }
        return Task.WhenAll(connects);
    }

    /// <summary>
    /// Waits for the addresses of NameServers that are still starting, then opens the connection to each; never
    /// throws (a start that failed is reported by whoever awaits <paramref name="nameServerAddresses"/> itself).
    /// </summary>
    public static async Task ConnectAsync(RemotingClient client, Task<string[]> nameServerAddresses, CancellationToken cancellationToken)
    {
        string[] addresses;
        try
        {
            addresses = await nameServerAddresses.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return;
        }
        await ConnectAsync(client, BrokerOptions.NameServerAddresses(addresses), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The NameServers registered with.</summary>
    public IReadOnlyList<string> NameServers => _nameServers;

    /// <summary>Sets the NameServers to register with, before the first registration (their addresses came late).</summary>
    public void UseNameServers(List<string> nameServers) => _nameServers = nameServers;

    /// <summary>Registers with every NameServer; failures are logged (the next period retries).</summary>
    public async Task RegisterAllAsync(bool oneway, CancellationToken cancellationToken)
    {
        if (_nameServers.Count == 0)
        {
            return;
        }
        await RegisterAllAsync(Prepare(), oneway, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The REGISTER_BROKER body for the topic table as it is now, with its CRC.</summary>
    public Registration Prepare()
    {
        byte[] body = BuildBody();
        return new Registration(body, NameServerCommands.Crc32Masked(body));
    }

    /// <summary>Registers <paramref name="registration"/> (from <see cref="Prepare"/>) with every NameServer; failures are logged.</summary>
    public async Task RegisterAllAsync(Registration registration, bool oneway, CancellationToken cancellationToken)
    {
        var tasks = new Task[_nameServers.Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = RegisterAsync(_nameServers[i], registration, oneway, cancellationToken);
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Unregisters from every NameServer (best effort).</summary>
    public async Task UnregisterAllAsync(CancellationToken cancellationToken)
    {
        var tasks = new Task[_nameServers.Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = UnregisterAsync(_nameServers[i], cancellationToken);
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private byte[] BuildBody()
    {
        TopicConfigSerializeWrapper wrapper = broker.Topics.Snapshot();
        int brokerPerm = broker.Options.BrokerPermission;
        if (!PermName.IsReadable(brokerPerm) || !PermName.IsWriteable(brokerPerm))
        {
            // RocketMQ reports each topic with the broker's permission when the broker is not R+W.
            foreach (TopicConfig config in wrapper.TopicConfigTable.Values)
            {
                config.Perm &= brokerPerm;
            }
        }
        return new RegisterBrokerBody { TopicConfigSerializeWrapper = wrapper }.Encode();
    }

    private async Task RegisterAsync(string nameServer, Registration registration, bool oneway, CancellationToken cancellationToken)
    {
        var header = new RegisterBrokerRequestHeader
        {
            BrokerName = broker.Options.BrokerName,
            BrokerAddr = broker.Address,
            ClusterName = broker.Options.BrokerClusterName,
            HaServerAddr = broker.HaServerAddress,
            BrokerId = broker.Options.BrokerId,
            Compressed = false,
            BodyCrc32 = registration.BodyCrc32,
        };
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.RegisterBroker, header);
        request.SetBody(registration.Body);
        try
        {
            if (oneway)
            {
                await _client.InvokeOnewayAsync(nameServer, request, cancellationToken).ConfigureAwait(false);
                return;
            }
            using RemotingCommand response = await _client.InvokeAsync(nameServer, request, broker.Options.RegisterBrokerTimeout, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new RemotingResponseException(response.Code, response.Remark, nameServer);
            }
            // A slave learns its master's remoting and HA addresses from the answer.
            RegisterBrokerResponseHeader answer = response.DecodeHeader<RegisterBrokerResponseHeader>();
            broker.OnRegistered(answer.MasterAddr, answer.HaServerAddr);
        }
        catch (Exception ex) when (ex is RemotingException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                BrokerLog.RegisterFailed(broker.Logger, nameServer, ex);
            }
        }
    }

    private async Task UnregisterAsync(string nameServer, CancellationToken cancellationToken)
    {
        var header = new UnregisterBrokerRequestHeader
        {
            BrokerName = broker.Options.BrokerName,
            BrokerAddr = broker.Address,
            ClusterName = broker.Options.BrokerClusterName,
            BrokerId = broker.Options.BrokerId,
        };
        try
        {
            using RemotingCommand response = await _client.InvokeAsync(nameServer, RemotingCommand.CreateRequest(RequestCode.UnregisterBroker, header),
                broker.Options.RegisterBrokerTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RemotingException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            BrokerLog.UnregisterFailed(broker.Logger, nameServer, ex);
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    /// <summary>An encoded REGISTER_BROKER body and its CRC (the header's bodyCrc32).</summary>
    public readonly record struct Registration(byte[] Body, int BodyCrc32);
}
