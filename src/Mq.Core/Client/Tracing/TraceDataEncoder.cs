using System.Globalization;
using System.Text;

namespace Mq.Client.Tracing;

/// <summary>
/// The text format of RocketMQ's message trace (<c>TraceDataEncoder</c>): fields separated by 0x01, records
/// terminated by 0x02, several records in one trace message. The RocketMQ Dashboard and <c>mqadmin
/// queryMsgTraceById</c> read it, so field order, Java's spelling of booleans and of null strings (<c>null</c>)
/// are kept exactly.
/// </summary>
internal static class TraceDataEncoder
{
    /// <summary>Separates the fields of one record.</summary>
    public const char ContentSeparator = '\u0001';

    /// <summary>Ends one record.</summary>
    public const char RecordSeparator = '\u0002';

    /// <summary>
    /// Appends <paramref name="context"/>'s record(s) to <paramref name="data"/> and the keys a trace message
    /// must be indexed under (each message id, and its keys when it has some) to <paramref name="keys"/>.
    /// </summary>
    public static void Encode(TraceContext context, StringBuilder data, ICollection<string> keys)
    {
        switch (context.Type)
        {
            case TraceType.Pub:
            {
                TraceBean bean = context.Beans[0];
                new Record(data).Add(nameof(TraceType.Pub)).Add(context.TimeStamp).Add(context.RegionId).Add(context.GroupName)
                    .Add(bean.Topic).Add(bean.MessageId).Add(bean.Tags).Add(bean.Keys).Add(bean.StoreHost)
                    .Add(bean.BodyLength).Add(context.CostTime).Add((int)bean.MessageType).Add(bean.OffsetMessageId)
                    .End(context.IsSuccess);
                break;
            }
            case TraceType.SubBefore:
                foreach (TraceBean bean in context.Beans)
                {
                    new Record(data).Add(nameof(TraceType.SubBefore)).Add(context.TimeStamp).Add(context.RegionId).Add(context.GroupName)
                        .Add(context.RequestId).Add(bean.MessageId).Add(bean.RetryTimes).End(bean.Keys);
                }
                break;
            case TraceType.SubAfter:
                foreach (TraceBean bean in context.Beans)
                {
                    new Record(data).Add(nameof(TraceType.SubAfter)).Add(context.RequestId).Add(bean.MessageId).Add(context.CostTime)
                        .Add(context.IsSuccess).Add(bean.Keys).Add(context.ContextCode).End(context.TimeStamp);
                }
                break;
            case TraceType.EndTransaction:
            {
                TraceBean bean = context.Beans[0];
                new Record(data).Add(nameof(TraceType.EndTransaction)).Add(context.TimeStamp).Add(context.RegionId).Add(context.GroupName)
                    .Add(bean.Topic).Add(bean.MessageId).Add(bean.Tags).Add(bean.Keys).Add(bean.StoreHost)
                    .Add((int)bean.MessageType).Add(bean.TransactionId).Add(bean.TransactionState).End(bean.FromTransactionCheck);
                break;
            }
        }
        foreach (TraceBean bean in context.Beans)
        {
            keys.Add(bean.MessageId ?? "null");
            if (!string.IsNullOrEmpty(bean.Keys))
            {
                keys.Add(bean.Keys);
            }
        }
    }

    /// <summary>
    /// Reads trace data back into records (RocketMQ <c>decoderFromTraceDataString</c>), for tools and tests. Unknown
    /// record types are skipped; older and newer field counts of Pub and SubAfter are accepted as Java accepts them.
    /// </summary>
    public static List<TraceContext> Decode(string data)
    {
        var records = new List<TraceContext>();
        foreach (string record in data.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = record.Split(ContentSeparator);
            switch (f[0])
            {
                case nameof(TraceType.Pub) when f.Length >= 13:
                    records.Add(new TraceContext
                    {
                        Type = TraceType.Pub, TimeStamp = Long(f[1]), RegionId = f[2], GroupName = f[3], CostTime = Int(f[10]),
                        IsSuccess = bool.Parse(f[f.Length == 13 ? 12 : 13]),
                        Beans = [new TraceBean
                        {
                            Topic = f[4], MessageId = f[5], Tags = f[6], Keys = f[7], StoreHost = f[8], BodyLength = Int(f[9]), MessageType = (TraceMessageType)Int(f[11]),
                            OffsetMessageId = f.Length >= 14 ? f[12] : string.Empty,
                        }],
                    });
                    break;
                case nameof(TraceType.SubBefore) when f.Length >= 8:
                    records.Add(new TraceContext
                    {
                        Type = TraceType.SubBefore, TimeStamp = Long(f[1]), RegionId = f[2], GroupName = f[3], RequestId = f[4],
                        Beans = [new TraceBean { MessageId = f[5], RetryTimes = Int(f[6]), Keys = f[7] }],
                    });
                    break;
                case nameof(TraceType.SubAfter) when f.Length >= 6:
                    records.Add(new TraceContext
                    {
                        Type = TraceType.SubAfter, RequestId = f[1], CostTime = Int(f[3]), IsSuccess = bool.Parse(f[4]),
                        ContextCode = f.Length >= 7 ? Int(f[6]) : 0, TimeStamp = f.Length >= 8 ? Long(f[7]) : 0,
                        Beans = [new TraceBean { MessageId = f[2], Keys = f[5] }],
                    });
                    break;
                case nameof(TraceType.EndTransaction) when f.Length >= 13:
                    records.Add(new TraceContext
                    {
                        Type = TraceType.EndTransaction, TimeStamp = Long(f[1]), RegionId = f[2], GroupName = f[3],
                        Beans = [new TraceBean
                        {
                            Topic = f[4], MessageId = f[5], Tags = f[6], Keys = f[7], StoreHost = f[8], MessageType = (TraceMessageType)Int(f[9]),
                            TransactionId = f[10], TransactionState = f[11], FromTransactionCheck = bool.Parse(f[12]),
                        }],
                    });
                    break;
            }
        }
        return records;

        static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
        static long Long(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>One record being written, as Java's StringBuilder.append writes values: a null string as <c>null</c>, booleans in lower case.</summary>
    private readonly struct Record(StringBuilder data)
    {
        public Record Add(string? value)
        {
            data.Append(value ?? "null").Append(ContentSeparator);
            return this;
        }

        public Record Add(long value)
        {
            data.Append(value.ToString(CultureInfo.InvariantCulture)).Append(ContentSeparator);
            return this;
        }

        public Record Add(bool value) => Add(value ? "true" : "false");

        public void End(string? value) => data.Append(value ?? "null").Append(RecordSeparator);

        public void End(long value) => End(value.ToString(CultureInfo.InvariantCulture));

        public void End(bool value) => End(value ? "true" : "false");
    }
}
