using Mq.Messages;

namespace Mq.Client;

/// <summary>
/// A message to send (RocketMQ <c>Message</c>): topic, body, tags, keys and user properties. The
/// producer adds <c>UNIQ_KEY</c>, compresses large bodies and validates size before sending.
/// </summary>
public sealed class Message
{
    // Created on the first property: a message without tags or properties costs no dictionary.
    private Dictionary<string, string>? _properties;

    /// <summary>Creates a message for <paramref name="topic"/> with <paramref name="body"/>.</summary>
    public Message(string topic, ReadOnlyMemory<byte> body)
    {
        Topic = topic;
        Body = body;
    }

    /// <summary>Creates a message with a tag and keys.</summary>
    public Message(string topic, string? tags, string? keys, ReadOnlyMemory<byte> body)
        : this(topic, body)
    {
        Tags = tags;
        Keys = keys;
    }

    /// <summary>The destination topic.</summary>
    public string Topic { get; set; }

    /// <summary>The body, sent as is (compressed on the wire above <see cref="ProducerOptions.CompressBodyOverBytes"/>).</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>User flag stored verbatim with the message. Default 0.</summary>
    public int Flag { get; set; }

    /// <summary>The tag (property <c>TAGS</c>) consumers filter on; null for none.</summary>
    public string? Tags
    {
        get => Property(MessageConst.Tags);
        set => SetOrRemove(MessageConst.Tags, value);
    }

    /// <summary>Business keys (property <c>KEYS</c>, space-separated), indexed by the broker; null for none.</summary>
    public string? Keys
    {
        get => Property(MessageConst.Keys);
        set => SetOrRemove(MessageConst.Keys, value);
    }

    /// <summary>Delay level 1..18 (1 s .. 2 h, broker <c>messageDelayLevel</c>); 0 = deliver now.</summary>
    public int DelayTimeLevel
    {
        get => Property(MessageConst.DelayTimeLevel) is { } v && int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out int level) ? level : 0;
        set => SetOrRemove(MessageConst.DelayTimeLevel, value > 0 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>
    /// Deliver at this time instead of now (RocketMQ 5 timer messages, property <c>TIMER_DELIVER_MS</c>; Java
    /// <c>setDeliverTimeMs</c>): any time up to the broker's <c>timerMaxDelaySec</c> (3 days) ahead, to its timer
    /// precision (1 s). Mq brokers and RocketMQ 5 brokers honour it; a 4.9 broker delivers at once. Null = now; a
    /// <see cref="DelayTimeLevel"/> takes precedence.
    /// </summary>
    public DateTimeOffset? DeliverTime
    {
        get => Property(MessageConst.TimerDeliverMs) is { } v && long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out long ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        set => SetOrRemove(MessageConst.TimerDeliverMs, value?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Whether the broker waits for the store (and a sync slave) before answering (property <c>WAIT</c>).
    /// Default true, as Java's <c>Message</c> constructor sets it.
    /// </summary>
    public bool WaitStoreMessageOk { get; set; } = true;

    /// <summary>
    /// Ordering key: messages with the same key go to the same queue (hash of the key modulo the queue
    /// count) and are not retried on another queue. Not sent as a property (Apache 4.9 defines none).
    /// </summary>
    public string? ShardingKey { get; set; }

    /// <summary>Properties (user and system) sent with the message.</summary>
    public IReadOnlyDictionary<string, string> Properties => (IReadOnlyDictionary<string, string>?)_properties ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>
    /// Sets a user property. Keys and values must not contain the characters U+0001/U+0002 and values
    /// must not be empty (the wire format cannot carry them).
    /// </summary>
    public Message SetProperty(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (key.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0 || value.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0)
        {
            throw new ArgumentException("Property keys and values cannot contain U+0001 or U+0002.", nameof(value));
        }
        (_properties ??= new(StringComparer.Ordinal))[key] = value;
        return this;
    }

    /// <summary>Removes a property.</summary>
    public bool RemoveProperty(string key) => _properties?.Remove(key) ?? false;

    /// <summary>A property value, or null.</summary>
    public string? Property(string key) => _properties is not null && _properties.TryGetValue(key, out string? value) ? value : null;

    internal void SetPropertyInternal(string key, string value) => (_properties ??= new(StringComparer.Ordinal))[key] = value;

    /// <summary>The property map for allocation-free enumeration (null when the message has none).</summary>
    internal Dictionary<string, string>? PropertyMap => _properties;

    private void SetOrRemove(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            _properties?.Remove(key);
        }
        else
        {
            SetProperty(key, value);
        }
    }
}
