using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Transport;

namespace Mq.Brokers.Ha;

/// <summary>
/// A slave's copy of its master's metadata (RocketMQ <c>SlaveSynchronize</c>): topic configs
/// (GET_ALL_TOPIC_CONFIG), consumer offsets (GET_ALL_CONSUMER_OFFSET), delay progress (GET_ALL_DELAY_OFFSET)
/// and subscription groups (GET_ALL_SUBSCRIPTIONGROUP_CONFIG), fetched from the master's remoting port
/// periodically and right after a new master address is learnt. One pass at a time; a failed call is
/// logged and the next pass retries.
/// </summary>
internal sealed class SlaveSynchronize
{
    private readonly Broker _broker;
    private readonly RemotingClient _client;
    private readonly SemaphoreSlim _running = new(1, 1);
    private volatile string? _masterAddress;
    private long _passes;

    public SlaveSynchronize(Broker broker)
    {
        _broker = broker;
        _client = new RemotingClient(broker.Options.Transport, null, broker.LoggerFactory)
        {
            // A slave with ACL signs as its own admin account, so a master sharing its accounts answers it.
            BeforeRequest = request => broker.Acl?.TrySignAsAdmin(request),
        };
        broker.OnStopping(_client.DisposeAsync);
    }

    /// <summary>The master's remoting address, or null while no live master is known.</summary>
    public string? MasterAddress => _masterAddress;

    /// <summary>Completed passes (each copied all four tables).</summary>
    public long CompletedPasses => Interlocked.Read(ref _passes);

    /// <summary>Sets the master's address; true when it changed to a non-null value (a sync is due).</summary>
    public bool SetMasterAddress(string? address)
    {
        string? previous = _masterAddress;
        _masterAddress = address;
        return address is not null && !string.Equals(previous, address, StringComparison.Ordinal);
    }

    /// <summary>Copies the four tables once (skipped while another pass runs or no master is known).</summary>
    public async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        string? master = _masterAddress;
        if (master is null || !await _running.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            TimeSpan timeout = _broker.Options.RegisterBrokerTimeout;
            using (RemotingCommand topics = await CallAsync(master, RequestCode.GetAllTopicConfig, timeout, cancellationToken).ConfigureAwait(false))
            {
                if (_broker.Topics.ReplaceFromMaster(TopicConfigSerializeWrapper.Decode(topics.Body.Span)))
                {
                    BrokerLog.SlaveSynchronized(_broker.Logger, "topic config", master);
                }
            }
            using (RemotingCommand offsets = await CallAsync(master, RequestCode.GetAllConsumerOffset, timeout, cancellationToken).ConfigureAwait(false))
            {
                _broker.Offsets.MergeFromMaster(ConsumerOffsetSerializeWrapper.Decode(offsets.Body.Span));
                _broker.Offsets.Persist();
            }
            using (RemotingCommand delay = await CallAsync(master, RequestCode.GetAllDelayOffset, timeout, cancellationToken).ConfigureAwait(false))
            {
                if (!delay.Body.IsEmpty)
                {
                    _broker.Schedule.ReplaceFromMaster(DelayOffsetSerializeWrapper.Decode(delay.Body.Span));
                }
            }
            using (RemotingCommand groups = await CallAsync(master, RequestCode.GetAllSubscriptionGroupConfig, timeout, cancellationToken).ConfigureAwait(false))
            {
                if (_broker.Groups.ReplaceFromMaster(SubscriptionGroupWrapper.Decode(groups.Body.Span)))
                {
                    BrokerLog.SlaveSynchronized(_broker.Logger, "subscription group config", master);
                }
            }
            Interlocked.Increment(ref _passes);
        }
        catch (Exception ex) when (ex is RemotingException or IOException or FormatException or System.Net.Sockets.SocketException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            BrokerLog.SlaveSynchronizeFailed(_broker.Logger, master, ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
        {
            // The broker is stopping: the pass is abandoned.
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<RemotingCommand> CallAsync(string master, int code, TimeSpan timeout, CancellationToken cancellationToken)
    {
        RemotingCommand response = await _client.InvokeAsync(master, RemotingCommand.CreateRequest(code), timeout, cancellationToken).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            var error = new RemotingResponseException(response.Code, response.Remark, master);
            response.Dispose();
            throw error;
        }
        return response;
    }
}
