namespace Mq.Messages;

/// <summary>
/// Bits of a stored message's <c>SYSFLAG</c> field (RocketMQ <c>MessageSysFlag</c>).
/// </summary>
public static class MessageSysFlag
{
    /// <summary>The body is compressed (zlib unless <see cref="CompressionTypeMask"/> says otherwise).</summary>
    public const int Compressed = 0x1;

    /// <summary>Multiple tags (set by the broker for MULTI_TAG topics; unused in practice).</summary>
    public const int MultiTags = 0x2;

    /// <summary>Transaction type: not transactional.</summary>
    public const int TransactionNotType = 0x0;

    /// <summary>Transaction type: prepared (half) message.</summary>
    public const int TransactionPreparedType = 0x4;

    /// <summary>Transaction type: committed.</summary>
    public const int TransactionCommitType = 0x8;

    /// <summary>Transaction type: rolled back.</summary>
    public const int TransactionRollbackType = 0xC;

    /// <summary>Mask of the transaction type bits.</summary>
    public const int TransactionTypeMask = 0xC;

    /// <summary>The born host is an IPv6 address (16 bytes).</summary>
    public const int BornHostV6 = 0x10;

    /// <summary>The store host is an IPv6 address (16 bytes).</summary>
    public const int StoreHostV6 = 0x20;

    /// <summary>5.x inner batch needs unwrapping.</summary>
    public const int NeedUnwrap = 0x40;

    /// <summary>5.x inner batch.</summary>
    public const int InnerBatch = 0x80;

    /// <summary>Mask of the compression type bits (0 or 0x300 zlib, 0x100 LZ4, 0x200 zstd).</summary>
    public const int CompressionTypeMask = 0x700;

    /// <summary>The transaction type bits of <paramref name="sysFlag"/>.</summary>
    public static int TransactionType(int sysFlag) => sysFlag & TransactionTypeMask;

    /// <summary>Whether a record with this flag is dispatched to a consume queue (NOT_TYPE or COMMIT).</summary>
    public static bool IsDispatchable(int sysFlag)
    {
        int type = sysFlag & TransactionTypeMask;
        return type == TransactionNotType || type == TransactionCommitType;
    }
}
