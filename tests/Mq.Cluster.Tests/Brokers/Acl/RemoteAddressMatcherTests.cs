using System.Net;
using Mq.Brokers.Acl;

namespace Mq.Tests.Brokers.Acl;

public sealed class RemoteAddressMatcherTests
{
    [TestCase("*", "10.1.2.3", true)]
    [TestCase("*.*.*.*", "::1", true)]
    [TestCase("", "10.1.2.3", false)]
    [TestCase("10.1.2.3", "10.1.2.3", true)]
    [TestCase("10.1.2.3", "10.1.2.4", false)]
    [TestCase("10.1.2.{3,5}", "10.1.2.5", true)]
    [TestCase("10.1.2.{3,5}", "10.1.2.4", false)]
    [TestCase("10.1.2.3,10.1.2.9", "10.1.2.9", true)]
    [TestCase("10.1.2.*", "10.1.2.200", true)]
    [TestCase("10.1.2.*", "10.1.3.200", false)]
    [TestCase("10.1.*.*", "10.1.77.1", true)]
    [TestCase("10.*.*.*", "11.1.1.1", false)]
    [TestCase("10.1.2.10-20", "10.1.2.20", true)]
    [TestCase("10.1.2.10-20", "10.1.2.21", false)]
    [TestCase("10.1.5-9.*", "10.1.5.255", true)]
    [TestCase("10.1.5-9.*", "10.1.4.0", false)]
    [TestCase("::1", "::1", true)]
    [TestCase("0:0:0:0:0:0:0:1", "::1", true)]
    [TestCase("10.1.2.*", "::1", false)]
    [TestCase("fe80::1:*", "fe80::1:abcd", true)]
    [TestCase("fe80::1:*", "fe80::2:abcd", false)]
    [TestCase("fe80::1:*", "10.1.2.3", false)]
    [TestCase("fe80:0:0:0:0:0:1-ff:*", "fe80::20:1", true)]
    [TestCase("fe80:0:0:0:0:0:1-ff:*", "fe80::100:1", false)]
    [TestCase("2001:db8::*", "2001:db8::5", true)]
    [TestCase("2001:db8::*", "2001:db8:1::5", false)]
    [TestCase("2001:db8::*:*", "2001:db8::7:5", true)]
    [TestCase("fe80::a-F", "fe80::c", true)]
    [TestCase("fe80::a-F", "fe80::10", false)]
    public void Entries_match_as_RocketMQ_defines_them(string entry, string address, bool matches)
    {
        Assert.That(RemoteAddressMatcher.Parse(entry).Matches(IPAddress.Parse(address)), Is.EqualTo(matches));
    }

    [Test]
    public void An_IPv4_client_on_a_dual_stack_socket_is_compared_as_IPv4()
    {
        IPAddress mapped = IPAddress.Parse("10.1.2.3").MapToIPv6();
        Assert.That(RemoteAddressMatcher.Parse("10.1.2.*").Matches(RemoteAddressMatcher.Normalize(mapped)), Is.True);
    }

    [TestCase("10.1.2")]
    [TestCase("10.1.2.300")]
    [TestCase("10.1.*.5")]
    [TestCase("10.1.2.20-10")]
    [TestCase("10.1.2.{3,x}")]
    [TestCase("fe80::1:10-5")]
    [TestCase("fe80::1:*:7")]
    [TestCase("fe80::1::*")]
    [TestCase("fe80::1:fffff-1")]
    [TestCase("1:2:3:4:5:6:7:8:*")]
    [TestCase("*:1::1")]
    [TestCase("not-an-address")]
    public void Malformed_entries_are_refused(string entry)
    {
        Assert.That(() => RemoteAddressMatcher.Parse(entry), Throws.InstanceOf<FormatException>().With.Message.Contains(entry));
    }

    [Test]
    public void Random_entries_parse_or_fail_with_a_format_error_never_anything_else()
    {
        const string alphabet = "0123456789.*-{},:abcdef ";
        var random = new Random(7);
        int parsed = 0;
        for (int round = 0; round < 5000; round++)
        {
            var entry = new char[random.Next(1, 24)];
            for (int i = 0; i < entry.Length; i++)
            {
                entry[i] = alphabet[random.Next(alphabet.Length)];
            }
            try
            {
                RemoteAddressMatcher.Parse(new string(entry)).Matches(IPAddress.Loopback);
                parsed++;
            }
            catch (FormatException)
            {
                // Refused with the entry named: the broker does not start with it.
            }
        }
        Assert.That(parsed, Is.Positive);
    }
}
