using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mq.Common;

/// <summary>
/// CRC-32 as <c>java.util.zip.CRC32</c> (zlib's reflected 0xEDB88320, init and final xor 0xFFFFFFFF), the
/// checksum every stored record carries and every append and recovery scan computes. Where the CPU has
/// 512-bit carry-less multiply (VPCLMULQDQ with AVX-512) inputs of 256 bytes and more are folded 64 bytes
/// at a time, with four independent accumulators from 512 bytes up: System.IO.Hashing's
/// <see cref="Crc32"/> works in 128-bit lanes and took about twice as long on 1 KiB bodies on our build
/// machines (a large part of an append). Shorter inputs and other CPUs (ARM has CRC-32 instructions of its
/// own) use <see cref="Crc32"/>.
/// </summary>
/// <remarks>
/// Folding keeps a 128-bit remainder congruent to the data read so far: a block followed by D more bits
/// of data is multiplied by x^D mod P, its low and high 64-bit halves by the constants
/// x^(D+32) mod P and x^(D-32) mod P (bit-reflected, shifted left by one), and xored into the block D bits
/// later; the last remainder is reduced to 32 bits by Barrett reduction.
/// </remarks>
internal static class Crc32Fold
{
    // (x^(D+32) mod P, x^(D-32) mod P) reflected and shifted left by one, P = 0x104C11DB7, for fold distance D.
    private const ulong K128Low = 0x1751997d0, K128High = 0xccaa009e;
    private const ulong K256Low = 0xf1da05aa, K256High = 0x15a546366;
    private const ulong K384Low = 0x3db1ecdc, K384High = 0x174359406;
    private const ulong K512Low = 0x154442bd4, K512High = 0x1c6e41596;
    private const ulong K2048Low = 0x11542778a, K2048High = 0x1322d1430;

    // Final reduction: x^64 mod P (64 bits to 32), then Barrett with P and floor(x^64 / P), all reflected.
    private const ulong K64 = 0x163cd6124;
    private const ulong ReflectedPoly = 0x1DB710641, ReflectedMu = 0x1F7011641;

    /// <summary>Inputs from this length up are folded 64 bytes at a time; below it the serial multiply chain
    /// and final reduction cost more than they save, and <see cref="Crc32"/> is as fast.</summary>
    private const int FoldThreshold = 256;

    /// <summary>Whether the 512-bit folding path runs on this CPU (benchmarks report it).</summary>
    public static bool IsAccelerated => Pclmulqdq.V512.IsSupported && Avx512F.IsSupported;

    /// <summary>The CRC-32 of <paramref name="data"/>, equal to <c>Crc32.HashToUInt32(data)</c>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        data.Length >= FoldThreshold && IsAccelerated ? Fold512(data) : Crc32.HashToUInt32(data);

    // The input is read as if preceded by zero bytes up to a multiple of 16 (leading zeros do not change a
    // CRC whose register starts at zero), so every block is whole and no byte-wise tail remains. The
    // 0xFFFFFFFF initial register is xored into the first four real bytes instead.
    private static uint Fold512(ReadOnlySpan<byte> data)
    {
        int length = data.Length;
        int pad = (16 - (length & 15)) & 15;
        Blocks64 blocks = default;
        Span<byte> head = blocks;
        data[..(64 - pad)].CopyTo(head[pad..]);
        XorInitialRegister(head[pad..]);
        ref byte start = ref MemoryMarshal.GetReference(data);
        Vector512<ulong> k512 = Vector512.Create(K512Low, K512High, K512Low, K512High, K512Low, K512High, K512Low, K512High);
        Vector512<ulong> a0 = Vector512.Create(head).AsUInt64();
        int offset = 64 - pad;
        if (length - offset >= 448)
        {
            // Four independent chains hide the multiply latency; each block is folded across the three after it.
            Vector512<ulong> k2048 = Vector512.Create(K2048Low, K2048High, K2048Low, K2048High, K2048Low, K2048High, K2048Low, K2048High);
            Vector512<ulong> a1 = Load512(ref start, offset);
            Vector512<ulong> a2 = Load512(ref start, offset + 64);
            Vector512<ulong> a3 = Load512(ref start, offset + 128);
            for (offset += 192; length - offset >= 256; offset += 256)
            {
                a0 = Fold(a0, k2048) ^ Load512(ref start, offset);
                a1 = Fold(a1, k2048) ^ Load512(ref start, offset + 64);
                a2 = Fold(a2, k2048) ^ Load512(ref start, offset + 128);
                a3 = Fold(a3, k2048) ^ Load512(ref start, offset + 192);
            }
            a0 = Fold(a0, k512) ^ a1;
            a0 = Fold(a0, k512) ^ a2;
            a0 = Fold(a0, k512) ^ a3;
        }
        for (; length - offset >= 64; offset += 64)
        {
            a0 = Fold(a0, k512) ^ Load512(ref start, offset);
        }
        // The four 128-bit lanes become one: lanes 0-2 are folded by 384, 256 and 128 bits onto lane 3.
        Vector512<ulong> lanes = Vector512.Create(K384Low, K384High, K256Low, K256High, K128Low, K128High, 0UL, 0UL);
        Vector512<ulong> folded = Pclmulqdq.V512.CarrylessMultiply(a0, lanes, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(a0, lanes, 0x11);
        Vector256<ulong> low = folded.GetLower();
        Vector128<ulong> x = low.GetLower() ^ low.GetUpper() ^ folded.GetUpper().GetLower() ^ a0.GetUpper().GetUpper();
        Vector128<ulong> k128 = Vector128.Create(K128Low, K128High);
        for (; offset < length; offset += 16)
        {
            x = Fold(x, k128) ^ Load128(ref start, offset);
        }
        return Reduce(x);
    }

    private static void XorInitialRegister(Span<byte> first) =>
        BinaryPrimitives.WriteUInt32LittleEndian(first, ~BinaryPrimitives.ReadUInt32LittleEndian(first));

    /// <summary>The 128-bit remainder to the final CRC: fold to 64, then 32 bits, then Barrett reduction.</summary>
    private static uint Reduce(Vector128<ulong> x)
    {
        Vector128<ulong> low32 = Vector128.Create(0xFFFFFFFFUL, 0UL);
        x = Pclmulqdq.CarrylessMultiply(x, Vector128.Create(K128Low, K128High), 0x10) ^ Sse2.ShiftRightLogical128BitLane(x, 8);
        x = Pclmulqdq.CarrylessMultiply(x & low32, Vector128.CreateScalar(K64), 0x00) ^ Sse2.ShiftRightLogical128BitLane(x, 4);
        Vector128<ulong> barrett = Vector128.Create(ReflectedPoly, ReflectedMu);
        Vector128<ulong> t = Pclmulqdq.CarrylessMultiply(x & low32, barrett, 0x10);
        t = Pclmulqdq.CarrylessMultiply(t & low32, barrett, 0x00);
        return ~(x ^ t).AsUInt32().GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Fold(Vector512<ulong> x, Vector512<ulong> k) =>
        Pclmulqdq.V512.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(x, k, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load128(ref byte start, int offset) => Vector128.LoadUnsafe(ref start, (nuint)offset).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Load512(ref byte start, int offset) => Vector512.LoadUnsafe(ref start, (nuint)offset).AsUInt64();

    [InlineArray(64)]
    private struct Blocks64
    {
        private byte _first;
    }
}
