using System.Buffers;
using Mq.Protocol;

namespace Mq.Tests.Protocol;

internal static class FrameTestHelpers
{
    public static byte[] Encode(RemotingCommand command)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(command, writer);
        return writer.WrittenSpan.ToArray();
    }

    public static RemotingCommand Decode(byte[] frame)
    {
        var sequence = new ReadOnlySequence<byte>(frame);
        Assert.That(FrameCodec.TryParse(ref sequence, out RemotingCommand? command), Is.True, "a whole frame must parse");
        Assert.That(sequence.Length, Is.Zero, "the whole frame must be consumed");
        return command!;
    }

    public static RemotingCommand RoundTrip(RemotingCommand command) => Decode(Encode(command));

    public static Dictionary<string, string> Fields(RemotingCommand command)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!command.HasExtFields)
        {
            return result;
        }
        ExtFields fields = command.ExtFields;
        for (int i = 0; i < fields.Count; i++)
        {
            result[System.Text.Encoding.UTF8.GetString(fields.KeyAt(i))] = System.Text.Encoding.UTF8.GetString(fields.ValueAt(i));
        }
        return result;
    }

    public static byte[] JsonFrame(string json, byte[]? body = null)
    {
        byte[] header = System.Text.Encoding.UTF8.GetBytes(json);
        body ??= [];
        byte[] frame = new byte[8 + header.Length + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length + body.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), header.Length);
        header.CopyTo(frame, 8);
        body.CopyTo(frame, 8 + header.Length);
        return frame;
    }
}
