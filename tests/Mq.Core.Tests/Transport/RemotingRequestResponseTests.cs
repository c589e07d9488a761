using System.Text;
using Mq.Protocol;
using Mq.Transport;
using static Mq.Tests.Transport.RemotingTestbed;

namespace Mq.Tests.Transport;

[Category("Integration")]
public sealed class RemotingRequestResponseTests
{
    [Test]
    public async Task Request_gets_its_response_in_the_same_serialisation(
        [Values] TransportKind kind, [Values(SerializeType.Json, SerializeType.RocketMq)] SerializeType type)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.HeartBeat, Echo));

        using RemotingCommand response = await bed.Client.InvokeAsync(bed.Address, EchoRequest("hello", type)).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(response.IsResponse, Is.True);
            Assert.That(response.SerializeType, Is.EqualTo(type));
            Assert.That(response.Version, Is.EqualTo(RemotingVersion.Current));
            Assert.That(response.ExtFields.GetString("echo"u8), Is.EqualTo("hello"));
            Assert.That(Encoding.UTF8.GetString(response.Body.Span), Is.EqualTo("body-hello"));
        });
    }

    [Test]
    public async Task Many_requests_in_flight_are_matched_by_opaque([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.HeartBeat, async (c, r, ct) =>
        {
            // Answer out of order: later requests may finish first.
            int n = r.ExtFields.GetRequiredInt32("echo"u8);
            if (n % 3 == 0)
            {
                await Task.Yield();
            }
            return await Echo(c, r, ct);
        }));
        var calls = new List<Task<RemotingCommand>>();
        for (int i = 0; i < 256; i++)
        {
            calls.Add(bed.Client.InvokeAsync(bed.Address, EchoRequest(i.ToString(System.Globalization.CultureInfo.InvariantCulture), i % 2 == 0 ? SerializeType.Json : SerializeType.RocketMq)));
        }
        RemotingCommand[] responses = await Task.WhenAll(calls).WaitAsync(Patience);
        for (int i = 0; i < responses.Length; i++)
        {
            Assert.That(responses[i].ExtFields.GetRequiredInt32("echo"u8), Is.EqualTo(i));
            responses[i].Dispose();
        }
        Assert.That(bed.Client.Connections, Has.Count.EqualTo(1), "one pooled connection per address");
    }

    [Test]
    public async Task Reused_request_state_gives_every_request_its_own_outcome([Values] TransportKind kind)
    {
        // InvokeValueAsync reuses a connection's request state once its awaiter has the result: a timeout, a
        // cancellation or a late cancel of a finished request must never reach the request that reuses it.
        await using var bed = await StartEchoAndSilentPullAsync(kind);
        for (int i = 0; i < 60; i++)
        {
            switch (i % 4)
            {
                case 0:
                    using (var done = new CancellationTokenSource())
                    {
                        using (RemotingCommand response = await bed.Client.InvokeValueAsync(bed.Address, EchoRequest(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken: done.Token).AsTask().WaitAsync(Patience))
                        {
                            Assert.That(response.ExtFields.GetRequiredInt32("echo"u8), Is.EqualTo(i));
                        }
                        await done.CancelAsync(); // after the response: must not touch the next request
                    }
                    break;
                case 1:
                    Assert.ThrowsAsync<RemotingTimeoutException>(async () =>
                        await bed.Client.InvokeValueAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromMilliseconds(30)).AsTask().WaitAsync(Patience));
                    break;
                case 2:
                    using (var cancel = new CancellationTokenSource())
                    {
                        ValueTask<RemotingCommand> waiting = bed.Client.InvokeValueAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), Patience, cancel.Token);
                        await cancel.CancelAsync();
                        Assert.CatchAsync<OperationCanceledException>(async () => await waiting.AsTask().WaitAsync(Patience));
                    }
                    break;
                default:
                    using (RemotingCommand response = await bed.Client.InvokeValueAsync(bed.Address, EchoRequest(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).AsTask().WaitAsync(Patience))
                    {
                        Assert.That(response.ExtFields.GetRequiredInt32("echo"u8), Is.EqualTo(i));
                    }
                    break;
            }
        }
        Assert.That(bed.Client.Connections.Single().PendingCount, Is.Zero, "nothing left waiting");
    }

    [Test]
    public async Task Concurrent_requests_sharing_reused_state_each_get_their_own_outcome([Values] TransportKind kind)
    {
        // Eight lanes on one connection return and take request state concurrently while answers, timeouts and
        // cancellations race; an answer delivered to the wrong request, or a cancellation reaching a later one,
        // shows up as a wrong echo or an unexpected exception.
        await using var bed = await StartEchoAndSilentPullAsync(kind);
        var lanes = new Task[8];
        for (int lane = 0; lane < lanes.Length; lane++)
        {
            int seed = lane;
            lanes[lane] = Task.Run(async () =>
            {
                var random = new Random(seed);
                for (int i = 0; i < 60; i++)
                {
                    int echo = seed * 1000 + i;
                    int choice = random.Next(3);
                    if (choice == 0)
                    {
                        using var late = new CancellationTokenSource();
                        using (RemotingCommand response = await bed.Client.InvokeValueAsync(bed.Address, EchoRequest(echo.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken: late.Token).AsTask().WaitAsync(Patience))
                        {
                            Assert.That(response.ExtFields.GetRequiredInt32("echo"u8), Is.EqualTo(echo));
                        }
                        await late.CancelAsync();
                    }
                    else if (choice == 1)
                    {
                        Assert.ThrowsAsync<RemotingTimeoutException>(async () =>
                            await bed.Client.InvokeValueAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromMilliseconds(random.Next(1, 30))).AsTask().WaitAsync(Patience));
                    }
                    else
                    {
                        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 5)));
                        Assert.CatchAsync<OperationCanceledException>(async () =>
                            await bed.Client.InvokeValueAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), Patience, cancel.Token).AsTask().WaitAsync(Patience));
                    }
                }
            });
        }
        await Task.WhenAll(lanes).WaitAsync(Patience * 3);
        Assert.That(bed.Client.Connections.Single().PendingCount, Is.Zero, "nothing left waiting");
    }

    /// <summary>A testbed whose server echoes HEART_BEAT and never answers PULL_MESSAGE (for timeouts and cancellations).</summary>
    private static Task<RemotingTestbed> StartEchoAndSilentPullAsync(TransportKind kind) => StartAsync(kind, configure: s =>
    {
        s.RegisterHandler(RequestCode.HeartBeat, Echo);
        s.RegisterHandler(RequestCode.PullMessage, async (c, r, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
    });

    [Test]
    public async Task Unknown_code_is_answered_request_code_not_supported([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind);
        using RemotingCommand response = await bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(9999)).WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.RequestCodeNotSupported));
            Assert.That(response.Remark, Is.EqualTo(" request type 9999 not supported"));
        });
    }

    [Test]
    public async Task Handler_exception_is_answered_system_error_with_its_message([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s =>
        {
            s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) => throw new InvalidOperationException("sync boom"));
            s.RegisterHandler(RequestCode.SendMessage, async (c, r, ct) =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async boom");
            });
            s.RegisterHandler(RequestCode.GetMaxOffset, (c, r, ct) =>
            {
                r.DecodeHeader<Mq.Protocol.Headers.GetMaxOffsetRequestHeader>();
                return ValueTask.FromResult<RemotingCommand?>(null);
            });
        });

        using RemotingCommand sync = await bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage)).WaitAsync(Patience);
        using RemotingCommand async = await bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.SendMessage)).WaitAsync(Patience);
        using RemotingCommand missing = await bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.GetMaxOffset)).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(sync.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(sync.Remark, Is.EqualTo("sync boom"));
            Assert.That(async.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(async.Remark, Is.EqualTo("async boom"));
            Assert.That(missing.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(missing.Remark, Is.EqualTo("the custom field topic is null"));
            Assert.That(bed.Logs.WithEventId(307), Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Oneway_request_is_handled_and_never_answered([Values] TransportKind kind)
    {
        var handled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s =>
        {
            s.RegisterHandler(RequestCode.UpdateConsumerOffset, (c, r, ct) =>
            {
                handled.TrySetResult(r.ExtFields.GetString("echo"u8)! + (r.IsOneway ? ":oneway" : ":twoway"));
                return Echo(c, r, ct); // a response that must not be sent
            });
            s.RegisterHandler(RequestCode.HeartBeat, Echo);
        });

        await bed.Client.InvokeOnewayAsync(bed.Address, EchoRequest("x", code: RequestCode.UpdateConsumerOffset));
        Assert.That(await handled.Task.WaitAsync(Patience), Is.EqualTo("x:oneway"));

        // A later round trip proves the connection is in order; no stray response reached the client.
        using RemotingCommand response = await bed.Client.InvokeAsync(bed.Address, EchoRequest("after")).WaitAsync(Patience);
        Assert.That(response.ExtFields.GetString("echo"u8), Is.EqualTo("after"));
        Assert.That(bed.Logs.WithEventId(305), Is.Empty, "no unmatched response");
    }

    [Test]
    public async Task Deferred_reply_answers_later_from_another_thread([Values] TransportKind kind)
    {
        var held = new TaskCompletionSource<DeferredReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) =>
        {
            held.TrySetResult(c.Defer(r));
            return ValueTask.FromResult<RemotingCommand?>(null); // long polling: suspend
        }));

        Task<RemotingCommand> call = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage, SerializeType.RocketMq));
        DeferredReply reply = await held.Task.WaitAsync(Patience);
        Assert.That(call.IsCompleted, Is.False);
        await Task.Run(() => Assert.That(reply.Send(reply.CreateResponse(ResponseCode.PullNotFound, "NO_NEW_MSG")), Is.True));

        using RemotingCommand response = await call.WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.PullNotFound));
            Assert.That(response.Remark, Is.EqualTo("NO_NEW_MSG"));
            Assert.That(response.SerializeType, Is.EqualTo(SerializeType.RocketMq));
        });
    }

    [Test]
    public async Task Requests_sent_while_many_answers_are_awaited_are_written_in_order_and_answered([Values] TransportKind kind)
    {
        // Held long polls keep the connection above the in-flight count from which requests are written by a pool
        // thread instead of their sender; each request must still go out, in the order it was sent.
        int heldCount = RemotingConnection.BusyInFlight + 4;
        var held = new List<DeferredReply>();
        var seen = new List<string>();
        await using var bed = await StartAsync(kind, configure: s =>
        {
            s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) =>
            {
                lock (held)
                {
                    held.Add(c.Defer(r));
                }
                return ValueTask.FromResult<RemotingCommand?>(null);
            });
            s.RegisterHandler(RequestCode.HeartBeat, (c, r, ct) =>
            {
                lock (seen)
                {
                    seen.Add(r.ExtFields.GetString("echo"u8)!);
                }
                return Echo(c, r, ct);
            });
        });
        var polls = new List<Task<RemotingCommand>>();
        for (int i = 0; i < heldCount; i++)
        {
            polls.Add(bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage)));
        }
        await WaitUntil(() => { lock (held) { return held.Count == heldCount; } }, "every long poll reached the server");

        var echoes = new List<Task<RemotingCommand>>();
        for (int i = 0; i < 50; i++)
        {
            echoes.Add(bed.Client.InvokeAsync(bed.Address, EchoRequest("e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        for (int i = 0; i < echoes.Count; i++)
        {
            using RemotingCommand echoed = await echoes[i].WaitAsync(Patience);
            Assert.That(echoed.ExtFields.GetString("echo"u8), Is.EqualTo("e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        lock (seen)
        {
            Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 50).Select(i => "e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))), "the server read them in the order they were sent");
        }
        Assert.That(polls.Any(p => p.IsCompleted), Is.False, "the long polls were still held while the echoes were answered");

        lock (held)
        {
            foreach (DeferredReply reply in held)
            {
                reply.Send(reply.CreateResponse(ResponseCode.PullNotFound, "NO_NEW_MSG"));
            }
        }
        foreach (Task<RemotingCommand> poll in polls)
        {
            using RemotingCommand response = await poll.WaitAsync(Patience);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.PullNotFound));
        }
    }

    [Test]
    public async Task Unanswered_request_times_out([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) => ValueTask.FromResult<RemotingCommand?>(null)));

        var ex = Assert.ThrowsAsync<RemotingTimeoutException>(() => bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromMilliseconds(100)).WaitAsync(Patience));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(ex.Address, Is.EqualTo(bed.Address));
            Assert.That(ex.Message, Does.Contain("timeout, 100(ms)"));
        });
    }

    [Test]
    public async Task Default_timeout_comes_from_the_options()
    {
        var options = new TransportOptions { RequestTimeout = TimeSpan.FromMilliseconds(150) };
        await using var bed = await StartAsync(TransportKind.Memory, options, s => s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) => ValueTask.FromResult<RemotingCommand?>(null)));
        var ex = Assert.ThrowsAsync<RemotingTimeoutException>(() => bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage)).WaitAsync(Patience));
        Assert.That(ex!.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(150)));
        Assert.That(new TransportOptions().RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task Cancellation_fails_the_call_and_a_late_response_is_dropped([Values] TransportKind kind)
    {
        var held = new TaskCompletionSource<DeferredReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) =>
        {
            held.TrySetResult(c.Defer(r));
            return ValueTask.FromResult<RemotingCommand?>(null);
        }));
        using var cts = new CancellationTokenSource();
        Task<RemotingCommand> call = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromSeconds(30), cts.Token);
        DeferredReply reply = await held.Task.WaitAsync(Patience);
        await cts.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => call.WaitAsync(Patience));

        reply.Send(reply.CreateResponse(ResponseCode.Success));
        await WaitUntil(() => bed.Logs.WithEventId(305).Count == 1, "the late response is dropped with a log");
    }
}
