using System.Text.Json;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

// Offset stores: the broker in cluster mode (RemoteBrokerOffsetStore), a local file in broadcast mode
// (LocalFileOffsetStore; deviation: the file is JSON of "topic|broker|queueId": offset, not Java's
// fastjson MessageQueue keys).
public sealed partial class PushConsumer
{
    private async Task PersistLoopAsync()
    {
        using var timer = new PeriodicTimer(Options.PersistConsumerOffsetInterval, _client.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await PersistAllAsync(waitForAck: false, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal void ResetOffsets(string topic, Dictionary<MessageQueue, long> offsets)
    {
        foreach (KeyValuePair<MessageQueue, long> entry in offsets)
        {
            if (string.Equals(entry.Key.Topic, topic, StringComparison.Ordinal) && _processQueues.TryRemove(entry.Key, out ProcessQueue? queue))
            {
                queue.Stop.Cancel();
                _offsets[entry.Key] = entry.Value;
            }
        }
        RequestRebalance();
    }

    private async Task PersistAllAsync(bool waitForAck, CancellationToken cancellationToken)
    {
        if (Options.MessageModel == ConsumerMessageModel.Broadcasting)
        {
            SaveLocalOffsets();
            return;
        }
        foreach (MessageQueue queue in _offsets.Keys)
        {
            await PersistAsync(queue, waitForAck, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PersistAsync(MessageQueue queue, bool waitForAck, CancellationToken cancellationToken)
    {
        if (Options.MessageModel == ConsumerMessageModel.Broadcasting)
        {
            SaveLocalOffsets();
            return;
        }
        if (!_offsets.TryGetValue(queue, out long offset) || offset < 0)
        {
            return;
        }
        try
        {
            if (!await _api.UpdateCommittedOffsetAsync(queue, offset, waitForAck, cancellationToken).ConfigureAwait(false))
            {
                _client.Logger.OffsetCommitFailed(ClientErrors.BrokerNotFound(queue.BrokerName), Options.ConsumerGroup);
            }
        }
        catch (Exception ex) when (ex is MqClientException or OperationCanceledException)
        {
            _client.Logger.OffsetCommitFailed(ex, Options.ConsumerGroup);
        }
    }

    private string LocalOffsetFile()
    {
        string root = Options.OffsetStoreDirectory ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".rocketmq_offsets");
        // Keyed by group (and the explicit instance name, if any) so a restarted consumer finds its file.
        string owner = Options.InstanceName is null ? Options.ConsumerGroup : Options.InstanceName + "_" + Options.ConsumerGroup;
        return Path.Combine(root, owner, "offsets.json");
    }

    private void LoadLocalOffsets()
    {
        string path = LocalOffsetFile();
        if (!File.Exists(path))
        {
            return;
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (JsonProperty property in document.RootElement.GetProperty("offsetTable").EnumerateObject())
        {
            string[] parts = property.Name.Split('|');
            if (parts.Length == 3 && int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out int queueId))
            {
                _offsets[new MessageQueue(parts[0], parts[1], queueId)] = property.Value.GetInt64();
            }
        }
    }

    private void SaveLocalOffsets()
    {
        string path = LocalOffsetFile();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("offsetTable");
            foreach (KeyValuePair<MessageQueue, long> entry in _offsets)
            {
                writer.WriteNumber(entry.Key.Topic + "|" + entry.Key.BrokerName + "|" + entry.Key.QueueId.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
