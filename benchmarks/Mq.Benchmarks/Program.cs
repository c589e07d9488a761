using BenchmarkDotNet.Running;
using Mq.Benchmarks.Config;

namespace Mq.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Mq.Benchmarks -- --filter '*'</c>;
/// add <c>--smoke</c> to run every selected benchmark once (what CI does), <c>--inline-sockets</c> to run
/// each one with the runtime's default and with inline socket completions side by side; <c>--send-latency</c> runs the
/// open-loop send latency probe instead (see <see cref="Brokers.SendLatencyProbe"/>), <c>--cold-start</c>
/// the first-cluster start-to-first-send probe (see <see cref="EndToEnd.ColdStartProbe"/>).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--send-latency")
        {
            return Brokers.SendLatencyProbe.RunAsync(args[1..]).GetAwaiter().GetResult();
        }
        if (args.Length > 0 && args[0] == "--cold-start")
        {
            return EndToEnd.ColdStartProbe.RunAsync().GetAwaiter().GetResult();
        }
        bool smoke = Array.IndexOf(args, "--smoke") >= 0;
        bool inlineSockets = Array.IndexOf(args, "--inline-sockets") >= 0;
        string[] rest = Array.FindAll(args, static a => a is not "--smoke" and not "--inline-sockets");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, BenchmarkConfig.Create(smoke, inlineSockets));
        return 0;
    }
}
