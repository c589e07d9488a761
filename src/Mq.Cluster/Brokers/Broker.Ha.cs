using System.Net;
using Mq.Brokers.Ha;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Ha;
using Mq.Transport;

namespace Mq.Brokers;

public sealed partial class Broker
{
    private HaServer? _haServer;
    private HaClient? _haClient;
    private SlaveSynchronize? _slaveSynchronize;

    /// <summary>
    /// "brokerIP1:haPort" of this master's HA listener (REGISTER_BROKER's <c>haServerAddr</c>); for a slave
    /// the address it would listen on as a master (listenPort + 1), as RocketMQ registers it.
    /// </summary>
    public string HaServerAddress { get; private set; } = string.Empty;

    /// <summary>A master's replication state (connected slaves, lag); null on a slave.</summary>
    public HaRuntimeInfo? HaRuntimeInfo => _haServer?.RuntimeInfo;

    /// <summary>A slave's HA client (master address, connection state); null on a master.</summary>
    internal HaClient? HaClient => _haClient;

    /// <summary>A master's HA server; null on a slave.</summary>
    internal HaServer? HaServer => _haServer;

    /// <summary>A slave's metadata copier; null on a master.</summary>
    internal SlaveSynchronize? SlaveSynchronize => _slaveSynchronize;

    /// <summary>
    /// Starts the replication side of the role (RocketMQ <c>HAService.start</c>): a master listens for
    /// slaves; a slave connects to its master (fixed <see cref="BrokerOptions.HaMasterAddress"/>, or the
    /// address REGISTER_BROKER returns) and copies its metadata periodically.
    /// </summary>
    private void StartHa()
    {
        HaOptions ha = Options.ToHaOptions();
        if (Options.BrokerRole == BrokerRole.Slave)
        {
            HaServerAddress = RemotingAddress.Format(new IPEndPoint(BrokerIP1, Options.HaListenPort ?? EndPoint.Port + 1));
            _haClient = new HaClient(Store, ha, LoggerFactory, Time);
            _haClient.Start();
            if (Options.HaMasterAddress is { Length: > 0 } fixedMaster)
            {
                _haClient.UpdateMasterAddress(fixedMaster);
            }
            _slaveSynchronize = new SlaveSynchronize(this);
            StartPeriodic("slave-synchronize", Options.SlaveSynchronizeInterval, _slaveSynchronize.SyncAllAsync);
            OnStopping(_haClient.DisposeAsync);
            return;
        }
        // listenPort + 1 as RocketMQ's BrokerStartup; a broker on a free port (0) takes a free HA port too.
        ha.ListenPort = Options.HaListenPort ?? (Options.ListenPort == 0 ? 0 : EndPoint.Port + 1);
        _haServer = new HaServer(Store, ha, null, LoggerFactory, Time);
        _haServer.Start();
        HaServerAddress = RemotingAddress.Format(new IPEndPoint(BrokerIP1, _haServer.LocalEndPoint.Port));
        OnStopping(_haServer.DisposeAsync);
    }

    /// <summary>
    /// A NameServer's REGISTER_BROKER answer (RocketMQ <c>BrokerController.registerBrokerAll</c>): a slave
    /// follows the master's HA address unless one is configured, and syncs metadata from <paramref name="masterAddress"/>.
    /// Null values (no live master) keep the HA address (the client keeps reconnecting) and pause the sync.
    /// </summary>
    internal void OnRegistered(string? masterAddress, string? haServerAddress)
    {
        if (_haClient is null || _slaveSynchronize is null || _stopping.IsCancellationRequested)
        {
            return;
        }
        if (string.IsNullOrEmpty(Options.HaMasterAddress) && !string.IsNullOrEmpty(haServerAddress)
            && !string.Equals(haServerAddress, _haClient.MasterAddress, StringComparison.Ordinal))
        {
            try
            {
                _haClient.UpdateMasterAddress(haServerAddress);
            }
            catch (ArgumentException ex)
            {
                BrokerLog.BackgroundFailed(Logger, "HA master address from the NameServer", ex);
            }
        }
        if (_slaveSynchronize.SetMasterAddress(string.IsNullOrEmpty(masterAddress) ? null : masterAddress))
        {
            // A new master: copy its metadata now rather than at the next period.
            _ = _slaveSynchronize.SyncAllAsync(_stopping.Token);
        }
    }

    /// <summary>
    /// SYNC_MASTER completion of a stored message (RocketMQ <c>CommitLog.handleDiskFlush</c> +
    /// <c>handleHA</c>, combined as 4.9's <c>thenCombine</c>): the flush wait (sync flush only) and the slave
    /// wait run together; a failed replica status wins over a failed flush status. Messages whose WAIT
    /// property is false are not waited for, as in RocketMQ.
    /// </summary>
    private ValueTask<AppendResult> CompleteSyncMasterAsync(AppendResult result, bool waitStoreMsgOk, CancellationToken cancellationToken)
    {
        if (result.Status != PutMessageStatus.PutOk)
        {
            return new ValueTask<AppendResult>(result);
        }
        ValueTask<PutMessageStatus> flush = Options.FlushDiskType == FlushDiskType.SyncFlush
            ? Store.WaitDurableAsync(result.EndOffset, cancellationToken)
            : new ValueTask<PutMessageStatus>(PutMessageStatus.PutOk);
        ValueTask<PutMessageStatus> replica = waitStoreMsgOk && _haServer is { } server
            ? server.AckTracker.WaitForSlaveAsync(result.EndOffset, null, cancellationToken)
            : new ValueTask<PutMessageStatus>(PutMessageStatus.PutOk);
        if (flush.IsCompletedSuccessfully && replica.IsCompletedSuccessfully)
        {
            return new ValueTask<AppendResult>(Combine(result, flush.Result, replica.Result));
        }
        return AwaitBoth(result, flush, replica);

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        static async ValueTask<AppendResult> AwaitBoth(AppendResult result, ValueTask<PutMessageStatus> flush, ValueTask<PutMessageStatus> replica)
        {
            PutMessageStatus flushed = await flush.ConfigureAwait(false);
            PutMessageStatus replicated = await replica.ConfigureAwait(false);
            return Combine(result, flushed, replicated);
        }

        static AppendResult Combine(AppendResult result, PutMessageStatus flushed, PutMessageStatus replicated) =>
            replicated != PutMessageStatus.PutOk ? result.WithStatus(replicated)
            : flushed != PutMessageStatus.PutOk ? result.WithStatus(flushed)
            : result;
    }

    /// <summary>RocketMQ <c>MessageExt.isWaitStoreMsgOK</c>: true unless the WAIT property is "false".</summary>
    internal static bool WaitStoreMsgOk(ReadOnlyMemory<byte> properties)
    {
        ReadOnlySpan<byte> span = properties.Span;
        ReadOnlySpan<byte> key = "WAIT"u8;
        while (!span.IsEmpty)
        {
            int end = span.IndexOf(MessageProperties.PropertySeparator);
            ReadOnlySpan<byte> pair = end < 0 ? span : span[..end];
            int eq = pair.IndexOf(MessageProperties.NameValueSeparator);
            if (eq > 0 && pair[..eq].SequenceEqual(key))
            {
                return !pair[(eq + 1)..].SequenceEqual("false"u8);
            }
            span = end < 0 ? default : span[(end + 1)..];
        }
        return true;
    }
}
