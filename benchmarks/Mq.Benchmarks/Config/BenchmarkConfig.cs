using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Validators;

namespace Mq.Benchmarks.Config;

/// <summary>
/// Shared configuration: memory diagnoser, an operations-per-second column and a refusal to run
/// unoptimised builds. Smoke mode runs every benchmark once (CI uses it to prove they still work).
/// Inline-sockets mode runs each benchmark twice in the same run: with the runtime's default socket
/// completions (dispatched to the thread pool) and with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>
/// (completions run on the epoll thread, one thread-pool hop less per received read), the setting a
/// dedicated broker process can choose; it is process-wide and read once, so only a separate job can show both.
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>The runtime's switch for running socket completions on the epoll thread.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Builds the configuration.</summary>
    public static IConfig Create(bool smoke, bool inlineSockets = false)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond)
            .AddValidator(JitOptimizationsValidator.FailOnError)
            .WithOptions(ConfigOptions.JoinSummary);
        if (smoke)
        {
            config = config.AddJob(Job.Dry.WithId("smoke"));
        }
        if (inlineSockets)
        {
            Job job = Job.ShortRun.WithIterationCount(10);
            config = config
                .AddJob(job.WithId("pool-completions"))
                .AddJob(job.WithEnvironmentVariables(new EnvironmentVariable(InlineCompletionsVariable, "1")).WithId("inline-completions"));
        }
        return config;
    }
}
