namespace Mq.Protocol.Headers;

/// <summary>GET_TOPICS_BY_CLUSTER (224) request (RocketMQ <c>GetTopicsByClusterRequestHeader</c>).</summary>
internal sealed class GetTopicsByClusterRequestHeader : ICommandHeader
{
    /// <summary><c>cluster</c> (required).</summary>
    public string Cluster { get; set; } = string.Empty;

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("cluster"u8, Cluster);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Cluster = fields.GetRequiredString("cluster"u8);
    }
}
