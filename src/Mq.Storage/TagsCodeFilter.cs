using Mq.Common;
using Mq.Storage.Abstractions;

namespace Mq.Storage;

/// <summary>A tag filter over consume-queue tags codes: the Java hashes of a subscription's tags.</summary>
public sealed class TagsCodeFilter : IMessageFilter
{
    private readonly HashSet<long> _codes;

    /// <summary>Matches entries whose tags code is one of <paramref name="codes"/>.</summary>
    public TagsCodeFilter(IEnumerable<long> codes) => _codes = [.. codes];

    /// <summary>Builds a filter from tag names.</summary>
    public static TagsCodeFilter FromTags(params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var codes = new List<long>(tags.Length);
        foreach (var tag in tags)
        {
            codes.Add(JavaHash.TagsCode(tag));
        }
        return new TagsCodeFilter(codes);
    }

    /// <inheritdoc />
    public bool IsMatchedByConsumeQueue(long tagsCode) => _codes.Contains(tagsCode);
}
