using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mq.Tests.Fuzz;

/// <summary>
/// Watches a test for what "no crash" means in-process: unobserved task exceptions, unhandled exceptions,
/// and logs that reveal a defect rather than bad input (errors, and warnings carrying an exception of a
/// type no input should cause: null references, bad indexes, casts, overflows). Also a cheap logger
/// factory for servers under fuzz: counts entries per event id instead of formatting each.
/// </summary>
internal sealed class CrashWatch : ILoggerFactory, IDisposable
{
    private static readonly HashSet<Type> DefectTypes =
    [
        typeof(NullReferenceException), typeof(IndexOutOfRangeException), typeof(ArgumentOutOfRangeException),
        typeof(InvalidCastException), typeof(OverflowException), typeof(KeyNotFoundException), typeof(ArgumentException),
        typeof(DivideByZeroException), typeof(FormatException), typeof(ObjectDisposedException), typeof(NotSupportedException),
        typeof(ArgumentNullException), typeof(OutOfMemoryException), typeof(InsufficientExecutionStackException),
    ];

    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentDictionary<int, long> _counts = new();
    private readonly ConcurrentDictionary<string, long> _exceptions = new();

    public CrashWatch()
    {
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandled;
    }

    /// <summary>Everything that counts as a crash or a defect, described.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    /// <summary>Log entries per event id.</summary>
    public IReadOnlyDictionary<int, long> Counts => _counts;

    /// <summary>Exceptions carried by log entries, per type name.</summary>
    public IReadOnlyDictionary<string, long> ExceptionTypes => _exceptions;

    /// <summary>Collects twice so faulted, unobserved tasks are finalised and reported before asserting.</summary>
    public static void FlushFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandled;
    }

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        _problems.Enqueue("unobserved task exception: " + e.Exception);
        e.SetObserved();
    }

    private void OnUnhandled(object sender, UnhandledExceptionEventArgs e) => _problems.Enqueue("unhandled exception: " + e.ExceptionObject);

    private sealed class Logger(CrashWatch owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._counts.AddOrUpdate(eventId.Id, 1, static (_, n) => n + 1);
            if (exception is not null)
            {
                owner._exceptions.AddOrUpdate(exception.GetType().Name, 1, static (_, n) => n + 1);
            }
            bool defect = logLevel >= LogLevel.Error
                || (exception is not null && IsDefect(exception))
                || (eventId.Id == 304 && formatter(state, exception).Contains("internal error", StringComparison.Ordinal));
            if (defect && owner._problems.Count < 200)
            {
                owner._problems.Enqueue(category + " [" + eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "] " + formatter(state, exception) + (exception is null ? "" : " -> " + exception));
            }
        }

        private static bool IsDefect(Exception exception)
        {
            for (Exception? e = exception; e is not null; e = e.InnerException)
            {
                if (DefectTypes.Contains(e.GetType()))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
