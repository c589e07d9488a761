using System.Reflection;
using System.Text;
using Mq.Protocol;
using Mq.Protocol.Headers;
using static Mq.Tests.Protocol.FrameTestHelpers;

namespace Mq.Tests.Protocol;

/// <summary>Every typed header survives encode -> frame -> decode in both serialisations.</summary>
public sealed class HeaderRoundTripTests
{
    private static IEnumerable<Type> HeaderTypes() =>
        typeof(ICommandHeader).Assembly.GetTypes()
            .Where(t => t.Namespace == "Mq.Protocol.Headers" && typeof(ICommandHeader).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (Type type in HeaderTypes())
        {
            yield return new TestCaseData(type, SerializeType.Json).SetArgDisplayNames(type.Name, "JSON");
            yield return new TestCaseData(type, SerializeType.RocketMq).SetArgDisplayNames(type.Name, "ROCKETMQ");
        }
    }

    [Test]
    public void The_minimal_command_set_is_covered() =>
        Assert.That(HeaderTypes().Count(), Is.GreaterThanOrEqualTo(48));

    [TestCaseSource(nameof(Cases))]
    public void Header_round_trips(Type type, SerializeType serializeType)
    {
        var random = new Random(type.Name.Length);
        var header = (ICommandHeader)Activator.CreateInstance(type)!;
        foreach (PropertyInfo property in Properties(type))
        {
            property.SetValue(header, SampleValue(property, random));
        }
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessage, serializeType);
        header.Encode(command.ExtFields);

        using RemotingCommand decoded = RoundTrip(command);
        var copy = (ICommandHeader)Activator.CreateInstance(type)!;
        copy.Decode(decoded.ExtFields);

        foreach (PropertyInfo property in Properties(type))
        {
            Assert.That(Comparable(property.GetValue(copy)), Is.EqualTo(Comparable(property.GetValue(header))), type.Name + "." + property.Name);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Optional_fields_left_null_stay_null(Type type, SerializeType serializeType)
    {
        var header = (ICommandHeader)Activator.CreateInstance(type)!;
        var random = new Random(1);
        foreach (PropertyInfo property in Properties(type).Where(IsRequired))
        {
            property.SetValue(header, SampleValue(property, random));
        }
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessage, serializeType);
        header.Encode(command.ExtFields);
        using RemotingCommand decoded = RoundTrip(command);
        var copy = (ICommandHeader)Activator.CreateInstance(type)!;
        copy.Decode(decoded.ExtFields);
        foreach (PropertyInfo property in Properties(type).Where(p => !IsRequired(p)))
        {
            object? value = property.GetValue(copy);
            Assert.That(value is null || value is ReadOnlyMemory<byte> { IsEmpty: true }, Is.True, type.Name + "." + property.Name);
        }
    }

    [Test]
    public void Missing_required_field_names_it_like_java()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.PullMessage);
        command.ExtFields.Add("consumerGroup"u8, "cg");
        var ex = Assert.Throws<RemotingCommandException>(() => command.DecodeHeader<PullMessageRequestHeader>());
        Assert.That(ex!.Message, Is.EqualTo("the custom field topic is null"));
    }

    [Test]
    public void Unparseable_number_is_a_clear_error()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.GetMaxOffset);
        command.ExtFields.Add("topic"u8, "T");
        command.ExtFields.Add("queueId"u8, "1.5");
        var ex = Assert.Throws<RemotingCommandException>(() => command.DecodeHeader<GetMaxOffsetRequestHeader>());
        Assert.That(ex!.Message, Does.Contain("queueId").And.Contain("1.5"));
    }

    [Test]
    public void Send_v2_uses_single_letter_keys_and_maps_to_v1()
    {
        var v1 = new SendMessageRequestHeader
        {
            ProducerGroup = "pg", Topic = "TopicTest", DefaultTopic = "TBW102", DefaultTopicQueueNums = 4, QueueId = 3,
            SysFlag = 0, BornTimestamp = 1700000000000, Flag = 0, Properties = Encoding.UTF8.GetBytes("TAGS\u0001A\u0002"),
            ReconsumeTimes = 0, UnitMode = false, MaxReconsumeTimes = 16, Batch = true, Bname = "broker-a",
        };
        var v2 = SendMessageRequestHeaderV2.FromV1(v1);
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessageV2, v2);
        Assert.That(string.Join(",", Fields(command).Keys), Is.EqualTo("a,b,c,d,e,f,g,h,i,j,k,l,m,n"));

        using RemotingCommand decoded = RoundTrip(command);
        var back = new SendMessageRequestHeader();
        back.Decode(decoded.Code, decoded.ExtFields);
        var viaV2 = decoded.DecodeHeader<SendMessageRequestHeaderV2>().ToV1();
        foreach (SendMessageRequestHeader candidate in new[] { back, viaV2 })
        {
            Assert.Multiple(() =>
            {
                Assert.That(candidate.ProducerGroup, Is.EqualTo("pg"));
                Assert.That(candidate.Topic, Is.EqualTo("TopicTest"));
                Assert.That(candidate.DefaultTopicQueueNums, Is.EqualTo(4));
                Assert.That(candidate.BornTimestamp, Is.EqualTo(1700000000000));
                Assert.That(candidate.MaxReconsumeTimes, Is.EqualTo(16));
                Assert.That(candidate.Batch, Is.True);
                Assert.That(candidate.UnitMode, Is.False);
                Assert.That(candidate.Bname, Is.EqualTo("broker-a"));
                Assert.That(Encoding.UTF8.GetString(candidate.Properties.Span), Is.EqualTo("TAGS\u0001A\u0002"));
            });
        }
    }

    [Test]
    public void Send_v1_keys_are_the_long_names()
    {
        var v1 = new SendMessageRequestHeader { ProducerGroup = "pg", Topic = "T", DefaultTopic = "TBW102" };
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessage, v1);
        Assert.That(Fields(command).Keys, Is.SupersetOf(new[] { "producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId", "sysFlag", "bornTimestamp", "flag" }));
        var back = new SendMessageRequestHeader();
        back.Decode(RequestCode.SendMessage, command.ExtFields);
        Assert.That(back.Topic, Is.EqualTo("T"));
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static bool IsRequired(PropertyInfo property)
    {
        Type t = property.PropertyType;
        if (t == typeof(string))
        {
            return new NullabilityInfoContext().Create(property).WriteState == NullabilityState.NotNull;
        }
        if (t == typeof(ReadOnlyMemory<byte>))
        {
            return property.Name == "MsgId";
        }
        return Nullable.GetUnderlyingType(t) is null;
    }

    private static object SampleValue(PropertyInfo property, Random random)
    {
        Type t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (t == typeof(string))
        {
            return "v\u0001" + property.Name + "é" + random.Next(1000);
        }
        if (t == typeof(int))
        {
            return random.Next(int.MinValue, int.MaxValue);
        }
        if (t == typeof(long))
        {
            return random.NextInt64(long.MinValue, long.MaxValue);
        }
        if (t == typeof(bool))
        {
            return random.Next(2) == 1;
        }
        if (t == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes("TAGS\u0001" + property.Name + "\u0002"));
        }
        throw new NotSupportedException(t.Name);
    }

    private static object? Comparable(object? value) =>
        value is ReadOnlyMemory<byte> memory ? Convert.ToHexString(memory.Span) : value;
}
