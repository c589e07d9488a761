using Microsoft.Extensions.Logging;

namespace Mq.TestKit.Logging;

/// <summary>One recorded log entry.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
