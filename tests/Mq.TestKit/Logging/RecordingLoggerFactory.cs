using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mq.TestKit.Logging;

/// <summary>A logger factory that records every entry, so tests can assert on logged reasons.</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Entries with the given event id.</summary>
    public IReadOnlyList<LogEntry> WithEventId(int eventId) => _entries.Where(e => e.EventId.Id == eventId).ToList();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
