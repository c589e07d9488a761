using System.Diagnostics;
using Mq.Protocol;
using Mq.Testing;
using Mq.Transport;

namespace Mq.Benchmarks.EndToEnd;

/// <summary>
/// The first <see cref="MqCluster.StartAsync"/> of a process and its first SEND_OK, timed from a fresh
/// process (JIT, first sockets, first files included), which <see cref="ClusterStartBenchmarks"/>'s warm
/// iterations do not show. Run it several times:
/// <c>dotnet run -c Release --project benchmarks/Mq.Benchmarks -- --cold-start</c>.
/// </summary>
internal static class ColdStartProbe
{
    public static async Task<int> RunAsync()
    {
        long started = Stopwatch.GetTimestamp();
        await using MqCluster cluster = await MqCluster.StartAsync().ConfigureAwait(false);
        TimeSpan clusterUp = Stopwatch.GetElapsedTime(started);
        await using var client = new RemotingClient(new TransportOptions());
        using RemotingCommand response = await client.InvokeAsync(cluster.Brokers[0].Address,
            Brokers.BrokerBench.SendRequest("ColdStartTopic", 0, new byte[128])).ConfigureAwait(false);
        TimeSpan firstSend = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"cold start: cluster up {clusterUp.TotalMilliseconds:F1} ms, first SEND_OK {firstSend.TotalMilliseconds:F1} ms after start (code {response.Code})");
        return response.Code == ResponseCode.Success ? 0 : 1;
    }
}
