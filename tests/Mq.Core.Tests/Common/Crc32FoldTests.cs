using System.IO.Hashing;
using System.Text;
using Mq.Common;

namespace Mq.Tests.Common;

public sealed class Crc32FoldTests
{
    [Test]
    public void Matches_the_CRC_32_check_value()
    {
        // The catalogue check value of CRC-32 (zlib, java.util.zip.CRC32) for "123456789".
        Assert.That(Crc32Fold.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
        byte[] long1 = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("123456789", 100)));
        Assert.That(Crc32Fold.Compute(long1), Is.EqualTo(Crc32.HashToUInt32(long1)));
    }

    [Test]
    public void Matches_System_IO_Hashing_at_every_length_and_alignment()
    {
        // Every length through the folding paths' boundaries (256, 448 + 64, the 256-byte rounds, 16-byte
        // tails) at several start alignments, on random bytes and on all-ones (the padding and register
        // xor are most visible there).
        TestContext.Out.WriteLine(Crc32Fold.IsAccelerated ? "VPCLMULQDQ folding path in use" : "System.IO.Hashing path only (no VPCLMULQDQ)");
        var random = new Random(20261207);
        var buffer = new byte[4200 + 64];
        for (int length = 0; length <= 4200; length++)
        {
            for (int shift = 0; shift < 3; shift++)
            {
                random.NextBytes(buffer);
                var data = buffer.AsSpan(shift * 7, length);
                Assert.That(Crc32Fold.Compute(data), Is.EqualTo(Crc32.HashToUInt32(data)), $"length {length}, offset {shift * 7}");
            }
            var ones = buffer.AsSpan(0, length);
            ones.Fill(0xFF);
            Assert.That(Crc32Fold.Compute(ones), Is.EqualTo(Crc32.HashToUInt32(ones)), $"all ones, length {length}");
        }
    }
}
