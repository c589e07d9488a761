using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mq.Client;
using Mq.Protocol;
using Mq.Transport;

namespace Mq.Tests.Protocol;

public sealed class AclRequestSignerTests
{
    private static readonly byte[] Secret = "12345678"u8.ToArray();

    private static RemotingCommand Request(byte[]? body)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic);
        request.ExtFields.Add("b", "2");
        request.ExtFields.Add("a", "1");
        if (body is not null)
        {
            request.SetBody(body);
        }
        return request;
    }

    private static string Field(RemotingCommand request, string key) =>
        request.ExtFields.TryGetValue(Encoding.UTF8.GetBytes(key), out ReadOnlySpan<byte> value) ? Encoding.UTF8.GetString(value) : "(absent)";

    // Expected values: Base64(HMAC-SHA1("12345678", content)), computed outside .NET (Python's hmac module) from the
    // content AclClientRPCHook signs: the field values in key order (AccessKey < SecurityToken < a < b), then the body.
    [TestCase(null, "hello", "Kzwm3m2emzXbrztROKCD3OpbYRQ=")]
    [TestCase("token", "hello", "rip6j5LGm1Vav20lP71f2Q6/gjs=")]
    [TestCase(null, null, "OWWSv33UjdY2FCANjFoF2gvWjRg=")]
    public void A_request_is_signed_over_its_sorted_field_values_and_body(string? securityToken, string? body, string expected)
    {
        using RemotingCommand request = Request(body is null ? null : Encoding.UTF8.GetBytes(body));

        AclRequestSigner.Sign(request, "RocketMQ", Secret, securityToken);

        Assert.Multiple(() =>
        {
            Assert.That(Field(request, "Signature"), Is.EqualTo(expected));
            Assert.That(Field(request, "AccessKey"), Is.EqualTo("RocketMQ"));
            Assert.That(Field(request, "SecurityToken"), Is.EqualTo(securityToken ?? "(absent)"));
        });
    }

    [Test]
    public void The_unique_key_query_flag_is_left_out_of_the_signed_content_as_the_broker_leaves_it_out()
    {
        using RemotingCommand request = Request("hello"u8.ToArray());
        request.ExtFields.Add("_UNIQUE_KEY_QUERY", "true");
        AclRequestSigner.Sign(request, "RocketMQ", Secret, null);
        Assert.Multiple(() =>
        {
            Assert.That(Field(request, "Signature"), Is.EqualTo("Kzwm3m2emzXbrztROKCD3OpbYRQ="), "the same signature as without the flag");
            Assert.That(Field(request, "_UNIQUE_KEY_QUERY"), Is.EqualTo("true"), "the flag itself is still sent");
        });
    }

    [Test]
    public void Signing_again_replaces_the_signature_instead_of_signing_it()
    {
        using RemotingCommand request = Request("hello"u8.ToArray());
        AclRequestSigner.Sign(request, "RocketMQ", Secret, null);
        AclRequestSigner.Sign(request, "RocketMQ", Secret, null);
        Assert.That(Field(request, "Signature"), Is.EqualTo("Kzwm3m2emzXbrztROKCD3OpbYRQ="));
    }

    [Test]
    public void Access_and_secret_keys_go_together()
    {
        var options = new ProducerOptions { NameServerAddresses = ["127.0.0.1:9876"], AccessKey = "ak" };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("SecretKey"));
        options.SecretKey = "sk";
        Assert.That(options.Validate, Throws.Nothing);
    }

    [Test]
    public async Task A_producer_with_credentials_signs_what_it_sends_to_the_name_server()
    {
        var received = new ConcurrentQueue<RemotingCommand>();
        var transportOptions = new TransportOptions();
        await using var server = new RemotingServer(transportOptions, new SocketTransport(transportOptions));
        server.RegisterHandler(RequestCode.GetRouteInfoByTopic, (_, request, _) =>
        {
            // The request is recycled after the handler: keep a copy of what arrived.
            RemotingCommand copy = RemotingCommand.CreateRequest(request.Code);
            for (int i = 0; i < request.ExtFields.Count; i++)
            {
                copy.ExtFields.Add(request.ExtFields.KeyAt(i), request.ExtFields.ValueAt(i));
            }
            received.Enqueue(copy);
            return ValueTask.FromResult<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.TopicNotExist, "no route"));
        });
        await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

        await using var producer = new Producer(new ProducerOptions
        {
            NameServerAddresses = [server.Address!],
            AccessKey = "RocketMQ",
            SecretKey = "12345678",
        });
        await producer.StartAsync();

        Assert.That(received.TryPeek(out RemotingCommand? signed), Is.True, "the producer asked for the template topic's route");
        // The server's side of the check (PlainAccessValidator): every field but Signature and _UNIQUE_KEY_QUERY in key order, then the body.
        var values = new List<(string Key, string Value)>();
        for (int i = 0; i < signed!.ExtFields.Count; i++)
        {
            values.Add((Encoding.UTF8.GetString(signed.ExtFields.KeyAt(i)), Encoding.UTF8.GetString(signed.ExtFields.ValueAt(i))));
        }
        string content = string.Concat(values.Where(v => v.Key is not "Signature" and not "_UNIQUE_KEY_QUERY").OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Value));
        string expected = Convert.ToBase64String(HMACSHA1.HashData(Secret, Encoding.UTF8.GetBytes(content)));
        Assert.Multiple(() =>
        {
            Assert.That(Field(signed, "AccessKey"), Is.EqualTo("RocketMQ"));
            Assert.That(Field(signed, "topic"), Is.EqualTo("TBW102"));
            Assert.That(Field(signed, "Signature"), Is.EqualTo(expected));
        });
    }
}
