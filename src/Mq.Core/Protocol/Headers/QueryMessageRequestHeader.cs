namespace Mq.Protocol.Headers;

/// <summary>QUERY_MESSAGE (12) request (RocketMQ <c>QueryMessageRequestHeader</c>) with the extra <c>_UNIQUE_KEY_QUERY</c> field.</summary>
internal sealed class QueryMessageRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>key</c> (required).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary><c>maxNum</c> (required).</summary>
    public int MaxNum { get; set; }

    /// <summary><c>beginTimestamp</c> (required).</summary>
    public long BeginTimestamp { get; set; }

    /// <summary><c>endTimestamp</c> (required).</summary>
    public long EndTimestamp { get; set; }

    /// <summary><c>_UNIQUE_KEY_QUERY</c>.</summary>
    public bool? UniqueKeyQuery { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("key"u8, Key);
        fields.Add("maxNum"u8, MaxNum);
        fields.Add("beginTimestamp"u8, BeginTimestamp);
        fields.Add("endTimestamp"u8, EndTimestamp);
        fields.Add("_UNIQUE_KEY_QUERY"u8, UniqueKeyQuery);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        Key = fields.GetRequiredString("key"u8);
        MaxNum = fields.GetRequiredInt32("maxNum"u8);
        BeginTimestamp = fields.GetRequiredInt64("beginTimestamp"u8);
        EndTimestamp = fields.GetRequiredInt64("endTimestamp"u8);
        UniqueKeyQuery = fields.GetBoolean("_UNIQUE_KEY_QUERY"u8);
    }
}
