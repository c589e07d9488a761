using System.Buffers.Binary;
using System.Net;

namespace Mq.Client;

/// <summary>
/// Generates <c>UNIQ_KEY</c> values (RocketMQ <c>MessageClientIDSetter</c>, §4.8): upper-case hex of
/// ip(4|16) ‖ pid(int16) ‖ int32 ‖ ms since the start of the month(int32) ‖ counter(int16). Deviation: the
/// int32 Java fills with its class-loader hash is random per generator, so two clients in one process
/// (or two containers with pid 1) do not produce the same prefix.
/// </summary>
internal sealed class UniqueIdGenerator
{
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _monthStartMs;
    private long _nextMonthStartMs;
    private int _counter;

    public UniqueIdGenerator(IPAddress ip, int processId, int randomPart, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        byte[] address = ip.GetAddressBytes();
        Span<byte> fixedPart = stackalloc byte[address.Length + 6];
        address.CopyTo(fixedPart);
        BinaryPrimitives.WriteInt16BigEndian(fixedPart[address.Length..], (short)processId);
        BinaryPrimitives.WriteInt32BigEndian(fixedPart[(address.Length + 2)..], randomPart);
        _prefix = Convert.ToHexString(fixedPart);
        SetMonth(_time.GetLocalNow());
    }

    /// <summary>Hex characters of the fixed part (20 for IPv4).</summary>
    public int PrefixLength => _prefix.Length;

    public string Next() => NextId().ToString();

    /// <summary>The next id, unformatted (see <see cref="UniqueId"/>).</summary>
    public UniqueId NextId()
    {
        DateTimeOffset now = _time.GetLocalNow();
        long nowMs = now.ToUnixTimeMilliseconds();
        int elapsed;
        short counter;
        lock (_gate)
        {
            if (nowMs >= _nextMonthStartMs)
            {
                SetMonth(now);
            }
            elapsed = (int)(nowMs - _monthStartMs);
            counter = (short)_counter++;
        }
        return new UniqueId(_prefix, elapsed, counter);
    }

    private void SetMonth(DateTimeOffset localNow)
    {
        var start = new DateTimeOffset(localNow.Year, localNow.Month, 1, 0, 0, 0, localNow.Offset);
        _monthStartMs = start.ToUnixTimeMilliseconds();
        _nextMonthStartMs = start.AddMonths(1).ToUnixTimeMilliseconds();
    }
}
