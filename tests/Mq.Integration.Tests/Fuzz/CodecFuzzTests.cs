using System.Buffers;
using Mq.Protocol;
using Mq.TestKit.Protocol;

namespace Mq.Tests.Fuzz;

/// <summary>
/// The frame decoder in-process, at memory speed: every fuzz kind, whole or split across segments, decodes
/// or fails with <see cref="RemotingProtocolException"/> only; decoded commands can be read field by field
/// and re-encoded. Finds decoder defects far faster than the socket fuzz, which then proves the server.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class CodecFuzzTests
{
    [Test]
    public void Every_fuzz_frame_decodes_or_fails_with_a_protocol_error_only()
    {
        List<RemotingCommand> seeds = FuzzSeeds.Load();
        try
        {
            var fuzzer = new FrameFuzzer(7, seeds);
            var writer = new ArrayBufferWriter<byte>(64 * 1024);
            var output = new ArrayBufferWriter<byte>(64 * 1024);
            int decoded = 0;
            int rejected = 0;
            for (int i = 0; i < 200_000; i++)
            {
                writer.ResetWrittenCount();
                FuzzKind kind = i % 4 == 0 ? fuzzer.NextKillerKind() : fuzzer.NextSureKind();
                fuzzer.Append(kind, i, writer);
                ReadOnlyMemory<byte> bytes = writer.WrittenMemory;
                ReadOnlySequence<byte> sequence = i % 8 == 1 && bytes.Length > 2
                    ? SequenceBuilder.Split(bytes, 1 + fuzzer.Random.Next(bytes.Length - 1))
                    : new ReadOnlySequence<byte>(bytes);
                try
                {
                    if (!FrameCodec.TryParse(ref sequence, out RemotingCommand? command))
                    {
                        continue; // truncated: needs more bytes
                    }
                    using (command)
                    {
                        decoded++;
                        if (kind is FuzzKind.JsonHostile or FuzzKind.BinaryHostile or FuzzKind.SeedFieldsMutated or FuzzKind.SeedBodyMutated)
                        {
                            Assert.That(command!.Opaque, Is.EqualTo(i), kind.ToString());
                        }
                        for (int f = 0; f < (command!.HasExtFields ? command.ExtFields.Count : 0); f++)
                        {
                            _ = command.ExtFields.KeyAt(f).Length + command.ExtFields.ValueAt(f).Length;
                        }
                        if (command.Code is <= short.MaxValue and >= short.MinValue || command.SerializeType == SerializeType.Json)
                        {
                            output.ResetWrittenCount();
                            FrameCodec.Write(command, output);
                        }
                    }
                }
                catch (RemotingProtocolException)
                {
                    rejected++;
                    Assert.That(kind, Is.Not.AnyOf(FuzzKind.JsonHostile, FuzzKind.BinaryHostile, FuzzKind.SeedFieldsMutated, FuzzKind.SeedBodyMutated),
                        "a frame of a decodable kind was rejected");
                }
            }
            TestContext.Out.WriteLine($"decoded {decoded}, rejected {rejected}");
            Assert.That(decoded, Is.GreaterThan(100_000));
            Assert.That(rejected, Is.GreaterThan(10_000));
        }
        finally
        {
            foreach (RemotingCommand seed in seeds)
            {
                seed.Dispose();
            }
        }
    }
}
