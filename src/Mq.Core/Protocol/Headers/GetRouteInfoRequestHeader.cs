namespace Mq.Protocol.Headers;

/// <summary>GET_ROUTEINFO_BY_TOPIC (105) request (RocketMQ <c>GetRouteInfoRequestHeader</c>).</summary>
internal sealed class GetRouteInfoRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>acceptStandardJsonOnly</c>.</summary>
    public bool? AcceptStandardJsonOnly { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("acceptStandardJsonOnly"u8, AcceptStandardJsonOnly);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        AcceptStandardJsonOnly = fields.GetBoolean("acceptStandardJsonOnly"u8);
    }
}
