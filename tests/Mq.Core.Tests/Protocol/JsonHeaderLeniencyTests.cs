using System.Buffers;
using System.Text;
using Mq.Protocol;
using static Mq.Tests.Protocol.FrameTestHelpers;

namespace Mq.Tests.Protocol;

public sealed class JsonHeaderLeniencyTests
{
    [Test]
    public void Ali_ons_numbers_and_booleans_in_ext_fields_keep_their_literal_text()
    {
        const string Json = "{\"code\":310,\"language\":\"JAVA\",\"opaque\":12,\"flag\":0,\"version\":121,\"extFields\":{\"a\":\"pg\",\"b\":\"TopicTest\",\"c\":\"TBW102\",\"d\":4,\"e\":0,\"f\":0,\"g\":1700000000000,\"h\":0,\"i\":\"TAGS\\u0001TagA\\u0002\",\"j\":0,\"k\":false,\"big\":123456789012345678901234567890,\"neg\":-7}}";
        using RemotingCommand command = Decode(JsonFrame(Json));

        Assert.Multiple(() =>
        {
            Assert.That(command.Code, Is.EqualTo(310));
            Assert.That(command.Version, Is.EqualTo(121));
            Assert.That(command.Opaque, Is.EqualTo(12));
            Assert.That(command.ExtFields.GetString("d"u8), Is.EqualTo("4"));
            Assert.That(command.ExtFields.GetString("g"u8), Is.EqualTo("1700000000000"));
            Assert.That(command.ExtFields.GetString("k"u8), Is.EqualTo("false"));
            Assert.That(command.ExtFields.GetString("i"u8), Is.EqualTo("TAGS\u0001TagA\u0002"));
            Assert.That(command.ExtFields.GetString("big"u8), Is.EqualTo("123456789012345678901234567890"));
            Assert.That(command.ExtFields.GetRequiredInt32("neg"u8), Is.EqualTo(-7));
        });
    }

    [Test]
    public void NewLife_raw_control_characters_and_capitalised_booleans_are_accepted()
    {
        string json = "{\"code\":310,\"extFields\":{\"i\":\"TAGS\u0001T0200\u0002WAIT\u0001True\u0002\",\"k\":\"False\",\"m\":\"TRUE\"},\"language\":\"DOTNET\",\"opaque\":1576}";
        using RemotingCommand command = Decode(JsonFrame(json));
        Assert.Multiple(() =>
        {
            Assert.That(command.ExtFields.GetString("i"u8), Is.EqualTo("TAGS\u0001T0200\u0002WAIT\u0001True\u0002"));
            Assert.That(command.ExtFields.GetBoolean("k"u8), Is.False);
            Assert.That(command.ExtFields.GetBoolean("m"u8), Is.True);
            Assert.That(command.Language, Is.EqualTo(LanguageCode.DotNet));
            Assert.That(command.Flag, Is.Zero);
            Assert.That(command.Version, Is.Zero, "missing version reads as 0");
        });
    }

    [Test]
    public void Go_shape_with_empty_remark_and_struct_order()
    {
        const string Json = "{\"code\":105,\"language\":\"GO\",\"version\":317,\"opaque\":1,\"flag\":0,\"remark\":\"\",\"extFields\":{\"topic\":\"TopicTest\"}}";
        using RemotingCommand command = Decode(JsonFrame(Json));
        Assert.Multiple(() =>
        {
            Assert.That(command.Language, Is.EqualTo(LanguageCode.Go));
            Assert.That(command.Remark, Is.EqualTo(string.Empty));
            Assert.That(command.ExtFields.GetString("topic"u8), Is.EqualTo("TopicTest"));
        });
    }

    [Test]
    public void Unknown_fields_unknown_language_unquoted_keys_whitespace_and_nulls()
    {
        const string Json = " { code : 34 , \"language\" : \"COBOL\" , \"nested\" : {\"x\":[1,{\"y\":\"}\"}],\"z\":null} , 'opaque':\"5\", \"remark\":null, \"extFields\":{ unq : \"v\", \"nul\": null, \"obj\": {\"a\":1} }, \"serializeTypeCurrentRPC\":\"JSON\" } ";
        using RemotingCommand command = Decode(JsonFrame(Json));
        Assert.Multiple(() =>
        {
            Assert.That(command.Code, Is.EqualTo(34));
            Assert.That(command.Language, Is.EqualTo(LanguageCode.Other));
            Assert.That(command.Opaque, Is.EqualTo(5));
            Assert.That(command.Remark, Is.Null);
            Assert.That(command.ExtFields.GetString("unq"u8), Is.EqualTo("v"));
            Assert.That(command.ExtFields.Contains("nul"u8), Is.False);
            Assert.That(command.ExtFields.GetString("obj"u8), Is.EqualTo("{\"a\":1}"));
        });
    }

    [Test]
    public void Unicode_escapes_and_surrogate_pairs_decode_to_utf8()
    {
        const string Json = "{\"code\":1,\"remark\":\"caf\\u00e9 \\ud83d\\ude80 \\/ \\n\",\"extFields\":{\"k\\u0041\":\"\\u4e2d\"}}";
        using RemotingCommand command = Decode(JsonFrame(Json));
        Assert.Multiple(() =>
        {
            Assert.That(command.Remark, Is.EqualTo("café 🚀 / \n"));
            Assert.That(command.ExtFields.GetString("kA"u8), Is.EqualTo("中"));
        });
    }

    [TestCase("{\"code\":1,\"extFields\":{\"a\":\"unterminated}}")]
    [TestCase("{\"code\":1,")]
    [TestCase("{\"code\":\"x\"}")]
    [TestCase("{\"code\":99999999999}")]
    [TestCase("[1,2]")]
    [TestCase("{\"code\":1,\"extFields\":\"str\"}")]
    [TestCase("{\"code\":1 \"flag\":2}")]
    [TestCase("{\"remark\":\"bad \\x escape\"}")]
    [TestCase("{\"remark\":\"short \\u12\"}")]
    [TestCase("")]
    public void Malformed_headers_throw_a_protocol_exception(string json)
    {
        byte[] frame = JsonFrame(json);
        var sequence = new ReadOnlySequence<byte>(frame);
        Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref sequence, out _));
    }

    [Test]
    public void Deep_nesting_is_refused_without_recursion()
    {
        string json = "{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var sequence = new ReadOnlySequence<byte>(JsonFrame(json));
        var ex = Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref sequence, out _));
        Assert.That(ex!.Message, Does.Contain("nesting"));
    }

    [Test]
    public void Strings_are_materialised_through_the_cache_once()
    {
        var cache = new Utf8StringCache();
        var first = new ReadOnlySequence<byte>(JsonFrame("{\"code\":11,\"extFields\":{\"topic\":\"TopicTest\"}}"));
        var second = new ReadOnlySequence<byte>(JsonFrame("{\"code\":11,\"extFields\":{\"topic\":\"TopicTest\"}}"));
        using var a = new RemotingCommand();
        using var b = new RemotingCommand();
        FrameCodec.TryParse(ref first, a, cache: cache);
        FrameCodec.TryParse(ref second, b, cache: cache);
        Assert.That(b.ExtFields.GetString("topic"u8), Is.SameAs(a.ExtFields.GetString("topic"u8)));
        Assert.That(Encoding.UTF8.GetString(a.ExtFields.KeyAt(0)), Is.EqualTo("topic"));
    }
}
