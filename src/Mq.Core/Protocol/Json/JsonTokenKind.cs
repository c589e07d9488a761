namespace Mq.Protocol.Json;

/// <summary>Kind of the next value seen by <see cref="FastJsonReader"/>.</summary>
internal enum JsonTokenKind
{
    /// <summary><c>{</c></summary>
    Object,

    /// <summary><c>[</c></summary>
    Array,

    /// <summary>A double- or single-quoted string.</summary>
    String,

    /// <summary>A token starting with a digit, '-' or '+'.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,

    /// <summary>Any other unquoted word (fastjson accepts unquoted keys and values).</summary>
    Bareword,
}
