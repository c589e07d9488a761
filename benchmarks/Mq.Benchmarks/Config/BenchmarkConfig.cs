using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Validators;

namespace Mq.Benchmarks.Config;

/// <summary>
/// Shared configuration: memory diagnoser, an operations-per-second column and a refusal to run
/// unoptimised builds. Smoke mode runs every benchmark once (CI uses it to prove they still work).
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>Builds the configuration.</summary>
    public static IConfig Create(bool smoke)
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
        return config;
    }
}
