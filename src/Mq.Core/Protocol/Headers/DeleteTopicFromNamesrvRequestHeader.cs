namespace Mq.Protocol.Headers;

/// <summary>DELETE_TOPIC_IN_NAMESRV (216) request (RocketMQ <c>DeleteTopicFromNamesrvRequestHeader</c>).</summary>
internal sealed class DeleteTopicFromNamesrvRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>clusterName</c>.</summary>
    public string? ClusterName { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("clusterName"u8, ClusterName);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        ClusterName = fields.GetString("clusterName"u8);
    }
}
