using System.Text;
using Mq.Protocol;

namespace Mq.Tests.Protocol;

public sealed class ExtFieldsTests
{
    [Test]
    public void Put_replaces_and_remove_deletes()
    {
        using var fields = new ExtFields();
        fields.Add("a"u8, "1");
        fields.Add("b"u8, 2L);
        fields.Add("a"u8, "3");
        Assert.That(fields.Count, Is.EqualTo(2));
        Assert.That(fields.GetString("a"u8), Is.EqualTo("3"));
        Assert.That(fields.Remove("a"u8), Is.True);
        Assert.That(fields.Contains("a"u8), Is.False);
        Assert.That(fields.GetRequiredInt64("b"u8), Is.EqualTo(2));
    }

    [Test]
    public void Values_copied_from_the_same_fields_survive_growth()
    {
        using var fields = new ExtFields();
        fields.Add("seed"u8, new string('x', 200));
        for (int i = 0; i < 50; i++)
        {
            fields.TryGetValue("seed"u8, out ReadOnlySpan<byte> seed);
            fields.Add(Encoding.UTF8.GetBytes("k" + i), seed); // may grow the buffer the value lives in
        }
        for (int i = 0; i < 50; i++)
        {
            Assert.That(fields.GetString(Encoding.UTF8.GetBytes("k" + i)), Is.EqualTo(new string('x', 200)));
        }
    }

    [Test]
    public void Writing_to_decoded_fields_copies_them_first()
    {
        using var source = RemotingCommand.CreateRequest(RequestCode.PullMessage);
        source.ExtFields.Add("topic"u8, "T");
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        FrameCodec.Write(source, writer);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(writer.WrittenMemory);
        FrameCodec.TryParse(ref sequence, out RemotingCommand? decoded);
        using (decoded)
        {
            decoded!.ExtFields.Add("queueId"u8, 3L);
            Assert.That(decoded.ExtFields.GetString("topic"u8), Is.EqualTo("T"));
            Assert.That(decoded.ExtFields.GetRequiredInt32("queueId"u8), Is.EqualTo(3));
            Assert.That(decoded.ExtFields["topic"], Is.EqualTo("T"));
        }
    }

    [TestCase("true", true)]
    [TestCase("TRUE", true)]
    [TestCase("True", true)]
    [TestCase("false", false)]
    [TestCase("yes", false)]
    [TestCase("1", false)]
    public void Booleans_parse_like_java(string text, bool expected) =>
        Assert.That(ExtFields.ParseBoolean(Encoding.UTF8.GetBytes(text)), Is.EqualTo(expected));
}
