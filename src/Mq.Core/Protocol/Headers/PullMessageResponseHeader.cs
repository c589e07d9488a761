namespace Mq.Protocol.Headers;

/// <summary>PULL_MESSAGE response (RocketMQ <c>PullMessageResponseHeader</c>); sent for codes 0/19/20/21.</summary>
internal sealed class PullMessageResponseHeader : ICommandHeader
{
    /// <summary><c>suggestWhichBrokerId</c> (required).</summary>
    public long SuggestWhichBrokerId { get; set; }

    /// <summary><c>nextBeginOffset</c> (required).</summary>
    public long NextBeginOffset { get; set; }

    /// <summary><c>minOffset</c> (required).</summary>
    public long MinOffset { get; set; }

    /// <summary><c>maxOffset</c> (required).</summary>
    public long MaxOffset { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("suggestWhichBrokerId"u8, SuggestWhichBrokerId);
        fields.Add("nextBeginOffset"u8, NextBeginOffset);
        fields.Add("minOffset"u8, MinOffset);
        fields.Add("maxOffset"u8, MaxOffset);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        SuggestWhichBrokerId = fields.GetRequiredInt64("suggestWhichBrokerId"u8);
        NextBeginOffset = fields.GetRequiredInt64("nextBeginOffset"u8);
        MinOffset = fields.GetRequiredInt64("minOffset"u8);
        MaxOffset = fields.GetRequiredInt64("maxOffset"u8);
    }
}
