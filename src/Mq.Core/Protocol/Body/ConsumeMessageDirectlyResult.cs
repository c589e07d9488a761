using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// CONSUME_MESSAGE_DIRECTLY answer (RocketMQ <c>ConsumeMessageDirectlyResult</c>): how a consumer's handler dealt with one
/// message an admin tool handed it (<c>mqadmin consumeMessage</c>, the dashboard's "resend to consumer").
/// </summary>
public sealed class ConsumeMessageDirectlyResult : JsonBody
{
    /// <summary>Whether the consumer is orderly.</summary>
    public bool Order { get; set; }

    /// <summary>Java's orderly auto-commit flag; true for concurrent consumers.</summary>
    public bool AutoCommit { get; set; } = true;

    /// <summary>The outcome as RocketMQ's <c>CMResult</c> name: CR_SUCCESS, CR_LATER, CR_THROW_EXCEPTION, ...</summary>
    public string? ConsumeResult { get; set; }

    /// <summary>The exception, when the handler threw.</summary>
    public string? Remark { get; set; }

    /// <summary>How long the handler took, ms.</summary>
    public long SpentTimeMills { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ConsumeMessageDirectlyResult Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ConsumeMessageDirectlyResult Read(ref FastJsonReader reader)
    {
        var d = new ConsumeMessageDirectlyResult();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumeMessageDirectlyResult d) =>
        {
            switch (name)
            {
                case "order": d.Order = r.ReadBoolean(); break;
                case "autocommit": d.AutoCommit = r.ReadBoolean(); break;
                case "consumeresult": d.ConsumeResult = r.ReadString(); break;
                case "remark": d.Remark = r.ReadString(); break;
                case "spenttimemills": d.SpentTimeMills = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("autoCommit"u8, AutoCommit);
        writer.WriteString("consumeResult"u8, ConsumeResult);
        writer.WriteBoolean("order"u8, Order);
        if (Remark is not null)
        {
            writer.WriteString("remark"u8, Remark);
        }
        writer.WriteNumber("spentTimeMills"u8, SpentTimeMills);
        writer.WriteEndObject();
    }
}
