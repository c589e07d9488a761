using System.Reflection;
using Mq.Protocol;

namespace Mq.Tests.Protocol;

public sealed class CodeTableTests
{
    [Test]
    public void Request_codes_are_unique_and_match_the_java_numbers()
    {
        var values = typeof(RequestCode).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToList();
        Assert.That(values, Is.Unique);
        Assert.That(values, Has.Count.EqualTo(96));
        Assert.Multiple(() =>
        {
            Assert.That(RequestCode.SendMessage, Is.EqualTo(10));
            Assert.That(RequestCode.PullMessage, Is.EqualTo(11));
            Assert.That(RequestCode.HeartBeat, Is.EqualTo(34));
            Assert.That(RequestCode.CheckTransactionState, Is.EqualTo(39));
            Assert.That(RequestCode.NotifyConsumerIdsChanged, Is.EqualTo(40));
            Assert.That(RequestCode.RegisterBroker, Is.EqualTo(103));
            Assert.That(RequestCode.GetRouteInfoByTopic, Is.EqualTo(105));
            Assert.That(RequestCode.SendMessageV2, Is.EqualTo(310));
            Assert.That(RequestCode.SendBatchMessage, Is.EqualTo(320));
            Assert.That(RequestCode.QueryDataVersion, Is.EqualTo(322));
            Assert.That(RequestCode.DeleteExpiredCommitlog, Is.EqualTo(329));
            Assert.That(RequestCode.GetBrokerClusterAclConfig, Is.EqualTo(54));
        });
    }

    [Test]
    public void Response_codes_match_the_java_numbers()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ResponseCode.Success, Is.Zero);
            Assert.That(ResponseCode.RequestCodeNotSupported, Is.EqualTo(3));
            Assert.That(ResponseCode.FlushDiskTimeout, Is.EqualTo(10));
            Assert.That(ResponseCode.TopicNotExist, Is.EqualTo(17));
            Assert.That(ResponseCode.PullNotFound, Is.EqualTo(19));
            Assert.That(ResponseCode.PullOffsetMoved, Is.EqualTo(21));
            Assert.That(ResponseCode.QueryNotFound, Is.EqualTo(22));
            Assert.That(ResponseCode.SubscriptionNotLatest, Is.EqualTo(25));
            Assert.That(ResponseCode.TransactionStateUnknow, Is.EqualTo(202));
            Assert.That(ResponseCode.FlowControl, Is.EqualTo(215));
        });
    }

    [Test]
    public void Language_names_round_trip_and_unknown_reads_as_other()
    {
        foreach (LanguageCode code in Enum.GetValues<LanguageCode>())
        {
            Assert.That(LanguageCodeNames.Parse(LanguageCodeNames.Utf8(code)), Is.EqualTo(code));
            Assert.That(LanguageCodeNames.FromByte((byte)code), Is.EqualTo(code));
        }
        Assert.That(LanguageCodeNames.Parse("KOTLIN"u8), Is.EqualTo(LanguageCode.Other));
        Assert.That(LanguageCodeNames.FromByte(200), Is.EqualTo(LanguageCode.Other));
        Assert.That(System.Text.Encoding.ASCII.GetString(LanguageCodeNames.Utf8(LanguageCode.DotNet)), Is.EqualTo("DOTNET"));
    }
}
