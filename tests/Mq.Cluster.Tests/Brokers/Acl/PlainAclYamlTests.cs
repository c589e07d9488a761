using Mq.Brokers.Acl;
using Mq.Protocol.Body;

namespace Mq.Tests.Brokers.Acl;

public sealed class PlainAclYamlTests
{
    // The shape of RocketMQ 4.9's distributed conf/plain_acl.yml: comments, block lists at the key's indentation
    // and deeper, a digits-only secret key, an empty value, a quoted value with '#', a flow list.
    private const string Distributed = """
        # ACL for the test broker
        globalWhiteRemoteAddresses:
        - 10.10.103.*
        - 192.168.0.*

        accounts:
        - accessKey: RocketMQ
          secretKey: 12345678
          whiteRemoteAddress:
          admin: false
          defaultTopicPerm: DENY
          defaultGroupPerm: SUB
          topicPerms:
            - topicA=DENY
            - topicB=PUB|SUB   # both
            - topicC=SUB
          groupPerms:
          # the group should convert to retry topic
          - groupA=DENY
          - groupB=PUB|SUB
          - groupC=SUB

        - accessKey: rocketmq2
          secretKey: "1234#5678"
          whiteRemoteAddress: 192.168.1.*
          # if it is admin, it could access all resources
          admin: true
          topicPerms: [ 'x=PUB', y=SUB ]
        dataVersion:
          - counter: 3
            timestamp: 1700000000000
        """;

    [Test]
    public void The_distributed_file_shape_reads_into_accounts_white_lists_and_version()
    {
        AclConfig config = PlainAclYaml.Parse(Distributed, out DataVersion version);

        Assert.Multiple(() =>
        {
            Assert.That(config.GlobalWhiteAddrs, Is.EqualTo(new[] { "10.10.103.*", "192.168.0.*" }));
            Assert.That(config.PlainAccessConfigs, Has.Count.EqualTo(2));
            PlainAccessConfig first = config.PlainAccessConfigs[0];
            Assert.That(first.AccessKey, Is.EqualTo("RocketMQ"));
            Assert.That(first.SecretKey, Is.EqualTo("12345678"));
            Assert.That(first.WhiteRemoteAddress, Is.Null);
            Assert.That(first.Admin, Is.False);
            Assert.That(first.DefaultTopicPerm, Is.EqualTo("DENY"));
            Assert.That(first.DefaultGroupPerm, Is.EqualTo("SUB"));
            Assert.That(first.TopicPerms, Is.EqualTo(new[] { "topicA=DENY", "topicB=PUB|SUB", "topicC=SUB" }));
            Assert.That(first.GroupPerms, Is.EqualTo(new[] { "groupA=DENY", "groupB=PUB|SUB", "groupC=SUB" }));
            PlainAccessConfig second = config.PlainAccessConfigs[1];
            Assert.That(second.SecretKey, Is.EqualTo("1234#5678"), "a '#' inside quotes is not a comment");
            Assert.That(second.WhiteRemoteAddress, Is.EqualTo("192.168.1.*"));
            Assert.That(second.Admin, Is.True);
            Assert.That(second.TopicPerms, Is.EqualTo(new[] { "x=PUB", "y=SUB" }));
            Assert.That(second.GroupPerms, Is.Empty);
            Assert.That(version, Is.EqualTo(new DataVersion(1_700_000_000_000, 3)));
        });
    }

    [Test]
    public void What_the_admin_commands_write_reads_back_the_same()
    {
        AclConfig config = PlainAclYaml.Parse(Distributed, out _);
        config.PlainAccessConfigs[0].SecretKey = "it's 'quoted'";
        config.PlainAccessConfigs[1].WhiteRemoteAddress = "*";

        string written = PlainAclYaml.Write(config, new DataVersion(42, 7));
        AclConfig again = PlainAclYaml.Parse(written, out DataVersion version);

        Assert.Multiple(() =>
        {
            Assert.That(again.Encode(), Is.EqualTo(config.Encode()), written);
            Assert.That(version, Is.EqualTo(new DataVersion(42, 7)));
        });
    }

    [Test]
    public void An_empty_file_is_an_empty_configuration()
    {
        AclConfig config = PlainAclYaml.Parse("# nothing yet\n", out DataVersion version);
        Assert.Multiple(() =>
        {
            Assert.That(config.PlainAccessConfigs, Is.Empty);
            Assert.That(config.GlobalWhiteAddrs, Is.Empty);
            Assert.That(version, Is.EqualTo(default(DataVersion)));
        });
    }

    [TestCase("accounts:\n\t- accessKey: x\n", "line 2")]
    [TestCase("accounts:\n  - accessKey: abcdefg\n      secretKey: x\n", "line 3")]
    [TestCase("accounts: {accessKey: x}\n", "line 1")]
    [TestCase("accounts:\n- accessKey: &anchor abcdefg\n", "line 2")]
    [TestCase("globalWhiteRemoteAddresses: 'unterminated\n", "line 1")]
    [TestCase("accounts: 5\n", "'accounts' must be a list")]
    [TestCase("a: 1\na: 2\n", "duplicate key")]
    public void Text_outside_the_supported_subset_is_refused_with_where(string text, string expected)
    {
        Assert.That(() => PlainAclYaml.Parse(text, out _), Throws.InstanceOf<FormatException>().With.Message.Contains(expected));
    }

    // Quoted keys, quoted block items and escapes, which the distributed file does not have (also for the mutations below).
    private const string Quoted = """
        "globalWhiteRemoteAddresses":
          - '10.0.0.1'
          - "10.0.0.2"
        accounts:
          - 'accessKey': "quoted\"key"
            secretKey: 'it''s: secret'
            "admin": true
        """;

    [Test]
    public void Quoted_keys_and_items_read_as_their_text()
    {
        AclConfig config = PlainAclYaml.Parse(Quoted, out _);
        Assert.Multiple(() =>
        {
            Assert.That(config.GlobalWhiteAddrs, Is.EqualTo(new[] { "10.0.0.1", "10.0.0.2" }));
            Assert.That(config.PlainAccessConfigs[0].AccessKey, Is.EqualTo("quoted\"key"));
            Assert.That(config.PlainAccessConfigs[0].SecretKey, Is.EqualTo("it's: secret"));
            Assert.That(config.PlainAccessConfigs[0].Admin, Is.True);
        });
    }

    [Test]
    public void Mangled_files_read_or_fail_with_a_format_error_never_anything_else()
    {
        // Seeded mutations of a real file (bytes dropped, duplicated, swapped for YAML's special characters):
        // whatever the broker is given, it either reads it or says where it is wrong.
        const string specials = " :-#'\"[]{},\t\n|>&*!";
        var random = new Random(20261207);
        int read = 0;
        int refused = 0;
        for (int round = 0; round < 3000; round++)
        {
            var text = new System.Text.StringBuilder(round % 2 == 0 ? Distributed : Quoted);
            for (int edit = random.Next(1, 6); edit > 0; edit--)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at)); break;
                    case 1: text.Insert(at, specials[random.Next(specials.Length)]); break;
                    default: text[at] = specials[random.Next(specials.Length)]; break;
                }
            }
            try
            {
                AclConfig config = PlainAclYaml.Parse(text.ToString(), out _);
                try
                {
                    AclTable.Compile(config);
                }
                catch (FormatException)
                {
                    // Read, but not usable as accounts: the broker refuses it the same way.
                }
                read++;
            }
            catch (FormatException)
            {
                refused++;
            }
        }
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Positive, "some mutations leave a readable file");
            Assert.That(refused, Is.Positive, "some mutations are refused");
        });
    }
}
