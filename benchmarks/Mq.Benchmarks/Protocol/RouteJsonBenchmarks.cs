using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.Benchmarks.Protocol;

/// <summary>
/// Question: what does the lenient fastjson-compatible reader/writer cost against System.Text.Json doing
/// the strict-JSON equivalent on the same TopicRouteData (4 broker names, 2 addresses each)?
/// Baselines: JsonDocument.Parse of the standard-style body, and Utf8JsonWriter writing the same shape.
/// </summary>
[MemoryDiagnoser]
public class RouteJsonBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private TopicRouteData _route = null!;
    private byte[] _quoted = null!;
    private byte[] _unquoted = null!;

    [GlobalSetup]
    public void Setup()
    {
        _route = new TopicRouteData();
        for (int b = 0; b < 4; b++)
        {
            string name = "broker-" + (char)('a' + b);
            _route.BrokerDatas.Add(new BrokerData
            {
                BrokerName = name,
                Cluster = "DefaultCluster",
                BrokerAddrs = { [0] = $"10.0.{b}.1:10911", [1] = $"10.0.{b}.2:10911" },
            });
            _route.QueueDatas.Add(new QueueData { BrokerName = name, Perm = 6, ReadQueueNums = 8, WriteQueueNums = 8 });
        }
        _quoted = _route.Encode(JsonKeyStyle.Quoted);
        _unquoted = _route.Encode(JsonKeyStyle.Unquoted);
    }

    [Benchmark(Baseline = true, Description = "STJ JsonDocument.Parse (strict)")]
    public int ParseStrictBaseline()
    {
        using JsonDocument doc = JsonDocument.Parse(_quoted);
        return doc.RootElement.GetProperty("brokerDatas").GetArrayLength();
    }

    [Benchmark(Description = "Decode, fastjson style")]
    public int DecodeUnquoted() => TopicRouteData.Decode(_unquoted).BrokerDatas.Count;

    [Benchmark(Description = "Decode, standard style")]
    public int DecodeQuoted() => TopicRouteData.Decode(_quoted).BrokerDatas.Count;

    [Benchmark(Description = "STJ Utf8JsonWriter (same shape)")]
    public int WriteStjBaseline()
    {
        _buffer.ResetWrittenCount();
        using var w = new Utf8JsonWriter(_buffer);
        w.WriteStartObject();
        w.WriteStartArray("brokerDatas"u8);
        foreach (BrokerData b in _route.BrokerDatas)
        {
            w.WriteStartObject();
            w.WriteStartObject("brokerAddrs"u8);
            foreach (KeyValuePair<long, string> e in b.BrokerAddrs)
            {
                w.WriteString(e.Key == 0 ? "0" : "1", e.Value);
            }
            w.WriteEndObject();
            w.WriteString("brokerName"u8, b.BrokerName);
            w.WriteString("cluster"u8, b.Cluster);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("filterServerTable"u8);
        w.WriteEndObject();
        w.WriteStartArray("queueDatas"u8);
        foreach (QueueData q in _route.QueueDatas)
        {
            w.WriteStartObject();
            w.WriteString("brokerName"u8, q.BrokerName);
            w.WriteNumber("perm"u8, q.Perm);
            w.WriteNumber("readQueueNums"u8, q.ReadQueueNums);
            w.WriteNumber("topicSysFlag"u8, q.TopicSysFlag);
            w.WriteNumber("writeQueueNums"u8, q.WriteQueueNums);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Encode (FastJsonWriter)")]
    public int Encode()
    {
        _buffer.ResetWrittenCount();
        _route.Encode(_buffer, JsonKeyStyle.Quoted);
        return _buffer.WrittenCount;
    }
}
