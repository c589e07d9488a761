using Mq.Common;
using Mq.Protocol.Body;
using Mq.Storage.Abstractions;

namespace Mq.Broker.Clients;

/// <summary>
/// A TAG subscription compiled for consume-queue filtering (RocketMQ <c>FilterAPI.buildSubscriptionData</c> +
/// <c>ExpressionMessageFilter</c>): <c>*</c> or empty matches everything, otherwise <c>a || b</c> matches the
/// Java hash codes of the tags. Codes are recomputed from the tag names rather than trusting a client's
/// <c>codeSet</c> (Go hashes UTF-8 bytes). Hash collisions are re-filtered by clients, as in RocketMQ.
/// </summary>
internal sealed class TagFilter : IMessageFilter
{
    public static readonly TagFilter All = new(null, SubscriptionData.SubAll);

    private readonly HashSet<long>? _codes;

    private TagFilter(HashSet<long>? codes, string expression)
    {
        _codes = codes;
        Expression = expression;
    }

    public string Expression { get; }

    public bool MatchesAll => _codes is null;

    /// <summary>Parses a TAG expression; null when it is not a valid one (SUBSCRIPTION_PARSE_FAILED).</summary>
    public static TagFilter? Parse(string? expression)
    {
        string trimmed = (expression ?? string.Empty).Trim();
        if (trimmed.Length == 0 || trimmed == SubscriptionData.SubAll)
        {
            return All;
        }
        var codes = new HashSet<long>();
        foreach (string tag in trimmed.Split("||", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            codes.Add(JavaHash.TagsCode(tag));
        }
        return codes.Count == 0 ? null : new TagFilter(codes, trimmed);
    }

    /// <summary>Compiles a heartbeat subscription (its tagsSet, or its expression when the set is empty).</summary>
    public static TagFilter From(SubscriptionData data)
    {
        if (data.SubString is null || data.SubString.Trim() is "" or SubscriptionData.SubAll)
        {
            return All;
        }
        if (data.TagsSet.Count == 0)
        {
            return Parse(data.SubString) ?? All;
        }
        var codes = new HashSet<long>();
        foreach (string tag in data.TagsSet)
        {
            codes.Add(JavaHash.TagsCode(tag));
        }
        return new TagFilter(codes, data.SubString);
    }

    /// <inheritdoc />
    public bool IsMatchedByConsumeQueue(long tagsCode) => _codes is null || _codes.Contains(tagsCode);
}
