namespace Mq.Broker.Topics;

/// <summary>Permission bits of topics and brokers (RocketMQ <c>PermName</c>).</summary>
internal static class PermName
{
    public const int Priority = 8;
    public const int Read = 4;
    public const int Write = 2;
    public const int Inherit = 1;

    public static bool IsReadable(int perm) => (perm & Read) == Read;

    public static bool IsWriteable(int perm) => (perm & Write) == Write;

    public static bool IsInherited(int perm) => (perm & Inherit) == Inherit;
}
