using System.Buffers;

namespace Mq.TestKit.Protocol;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s to feed parsers split input.</summary>
public static class SequenceBuilder
{
    /// <summary>Splits <paramref name="data"/> at the given ascending offsets.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, params int[] cuts)
    {
        if (cuts.Length == 0)
        {
            return new ReadOnlySequence<byte>(data);
        }
        Segment? first = null;
        Segment? last = null;
        int start = 0;
        foreach (int cut in cuts.Append(data.Length))
        {
            // Copy each piece into its own array so that no segment shares memory with its neighbour.
            var piece = data[start..cut].ToArray();
            if (first is null)
            {
                first = last = new Segment(piece, 0);
            }
            else
            {
                last = last!.Append(piece);
            }
            start = cut;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>One segment per byte (the harshest split).</summary>
    public static ReadOnlySequence<byte> BytePerSegment(ReadOnlyMemory<byte> data)
    {
        int[] cuts = new int[Math.Max(0, data.Length - 1)];
        for (int i = 0; i < cuts.Length; i++)
        {
            cuts[i] = i + 1;
        }
        return Split(data, cuts);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
