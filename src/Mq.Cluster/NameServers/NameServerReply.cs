namespace Mq.NameServers;

/// <summary>
/// What a NameServer command answers: response code, remark, response header fields (extFields) and body.
/// The request handler copies it into the response RemotingCommand.
/// </summary>
/// <param name="Code">ResponseCode number (0 SUCCESS, 1 SYSTEM_ERROR, 17 TOPIC_NOT_EXIST, 22 QUERY_NOT_FOUND).</param>
/// <param name="Remark">Remark text, or null.</param>
/// <param name="Body">Body bytes, or null for none.</param>
/// <param name="ExtFields">Response header fields (strings, as on the wire), or null for none.</param>
public sealed record NameServerReply(int Code, string? Remark = null, byte[]? Body = null,
    IReadOnlyList<KeyValuePair<string, string>>? ExtFields = null)
{
    /// <summary>ResponseCode.SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>ResponseCode.SYSTEM_ERROR.</summary>
    public const int SystemError = 1;

    /// <summary>ResponseCode.TOPIC_NOT_EXIST.</summary>
    public const int TopicNotExist = 17;

    /// <summary>ResponseCode.QUERY_NOT_FOUND.</summary>
    public const int QueryNotFound = 22;

    /// <summary>A plain SUCCESS.</summary>
    public static NameServerReply Ok { get; } = new(Success);

    /// <summary>A response header field's value, or null.</summary>
    public string? ExtField(string name)
    {
        if (ExtFields is null)
        {
            return null;
        }
        foreach (KeyValuePair<string, string> e in ExtFields)
        {
            if (e.Key == name)
            {
                return e.Value;
            }
        }
        return null;
    }
}
