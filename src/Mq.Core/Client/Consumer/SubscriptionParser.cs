using Mq.Common;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>Builds <see cref="SubscriptionData"/> from a tag expression (Java <c>FilterAPI.buildSubscriptionData</c>).</summary>
internal static class SubscriptionParser
{
    public static SubscriptionData Parse(string topic, string? expression, long subVersion = 0)
    {
        var data = new SubscriptionData { Topic = topic, SubVersion = subVersion, ExpressionType = "TAG" };
        if (string.IsNullOrWhiteSpace(expression) || expression.Trim() == SubscriptionData.SubAll)
        {
            data.SubString = SubscriptionData.SubAll;
            return data;
        }
        data.SubString = expression;
        foreach (string part in expression.Split("||", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0)
            {
                throw new ArgumentException("Tag expression '" + expression + "' holds a control character.");
            }
            if (data.TagsSet.Add(part))
            {
                data.CodeSet.Add(JavaHash.StringHashCode(part));
            }
        }
        if (data.TagsSet.Count == 0)
        {
            throw new ArgumentException("Tag expression '" + expression + "' names no tag.");
        }
        return data;
    }

    /// <summary>Client-side re-filter (§6.3): tag hashes may collide, so the tag itself is compared.</summary>
    public static bool Matches(SubscriptionData subscription, string? tags) =>
        subscription.TagsSet.Count == 0 || (tags is not null && subscription.TagsSet.Contains(tags));
}
