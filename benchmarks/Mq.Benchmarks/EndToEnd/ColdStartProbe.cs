using System.Diagnostics;
using System.Reflection;
using System.Reflection.PortableExecutable;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Testing;
using Mq.Transport;

namespace Mq.Benchmarks.EndToEnd;

/// <summary>
/// The first <see cref="MqCluster.StartAsync"/> of a process and its first SEND_OK, timed from a fresh
/// process (JIT, first sockets, first files included), which <see cref="ClusterStartBenchmarks"/>'s warm
/// iterations do not show. Run it several times:
/// <c>dotnet run -c Release --project benchmarks/Mq.Benchmarks -- --cold-start</c>.
/// That uses the project references, IL only; the package carries ReadyToRun code for linux-x64 (see
/// src/Mq.Cluster/Mq.Cluster.csproj), which a package user's first start runs. To time that, copy the build output
/// and put the packed assemblies in it:
/// <code>
/// dotnet pack src/Mq.Cluster -c Release -o /tmp/mq-pack
/// rm -rf /tmp/mq-r2r &amp;&amp; cp -r benchmarks/Mq.Benchmarks/bin/Release/net10.0 /tmp/mq-r2r
/// unzip -o -j /tmp/mq-pack/Mq.0.1.0.nupkg 'lib/net10.0/*.dll' -d /tmp/mq-r2r
/// dotnet /tmp/mq-r2r/Mq.Benchmarks.dll --cold-start
/// </code>
/// The output says which kind of Mq assemblies ran.
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
        Console.WriteLine($"cold start: cluster up {clusterUp.TotalMilliseconds:F1} ms, first SEND_OK {firstSend.TotalMilliseconds:F1} ms after start (code {response.Code}; Mq assemblies {CodeKind()})");
        return response.Code == ResponseCode.Success ? 0 : 1;
    }

    /// <summary>"ReadyToRun", "IL only" or "mixed" for Mq.Core, Mq.Storage and Mq.Cluster (read after the timing).</summary>
    private static string CodeKind()
    {
        Assembly[] assemblies = [typeof(RemotingClient).Assembly, typeof(Mq.Storage.MessageStore).Assembly, typeof(Broker).Assembly];
        int precompiled = 0;
        foreach (Assembly assembly in assemblies)
        {
            using FileStream file = File.OpenRead(assembly.Location);
            using var reader = new PEReader(file);
            if (reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 })
            {
                precompiled++;
            }
        }
        return precompiled == assemblies.Length ? "ReadyToRun" : precompiled == 0 ? "IL only" : "mixed";
    }
}
