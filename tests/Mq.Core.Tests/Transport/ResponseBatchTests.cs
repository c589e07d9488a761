using Mq.Protocol;
using Mq.Transport;
using static Mq.Tests.Transport.RemotingTestbed;

namespace Mq.Tests.Transport;

/// <summary>
/// Responses read together complete on one pool thread with their continuations inline; code that blocks in
/// such a continuation must not keep the other responses of its read, or the requests it sent, waiting for good.
/// </summary>
[Category("Integration")]
public sealed class ResponseBatchTests
{
    private const int PairedCode = RequestCode.SendMessage;

    /// <summary>Answers requests of <see cref="PairedCode"/> two at a time, in one write, so they are read together.</summary>
    private static void AnswerInPairs(RemotingServer server)
    {
        var waiting = new List<DeferredReply>();
        server.RegisterHandler(PairedCode, (connection, request, cancellationToken) =>
        {
            lock (waiting)
            {
                waiting.Add(connection.Defer(request));
                if (waiting.Count == 2)
                {
                    foreach (DeferredReply reply in waiting)
                    {
                        reply.Send(reply.CreateResponse(ResponseCode.Success, reply.Opaque.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }
                    waiting.Clear();
                }
            }
            return ValueTask.FromResult<RemotingCommand?>(null);
        });
        server.RegisterHandler(RequestCode.HeartBeat, Echo);
    }

    [Test]
    public async Task A_continuation_blocked_on_a_response_read_with_its_own_still_gets_it([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: AnswerInPairs);
        Task<RemotingCommand> first = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(PairedCode));
        Task<RemotingCommand> second = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(PairedCode));

        // Sync-over-async inside the first response's continuation, waiting for the second response.
        Task<bool> blocked = first.ContinueWith(_ => second.Wait(Patience), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        Assert.That(await blocked.WaitAsync(Patience * 2), Is.True, "the second response completed while the first continuation blocked");
        (await first).Dispose();
        using RemotingCommand response = await second;
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
    }

    [Test]
    public async Task A_request_sent_from_a_continuation_that_then_blocks_is_still_written([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: AnswerInPairs);
        Task<RemotingCommand> first = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(PairedCode));
        Task<RemotingCommand> second = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(PairedCode));
        Task<RemotingCommand>? sentFromContinuation = null;

        // The continuation's write may be deferred to the end of its batch; it then blocks until that request is answered.
        Task<bool> blocked = first.ContinueWith(_ =>
        {
            sentFromContinuation = bed.Client.InvokeAsync(bed.Address, EchoRequest("from-continuation"));
            return sentFromContinuation.Wait(Patience);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        Assert.That(await blocked.WaitAsync(Patience * 2), Is.True, "the request sent before blocking was written and answered");
        using (RemotingCommand echoed = await sentFromContinuation!)
        {
            Assert.That(echoed.ExtFields.GetString("echo"u8), Is.EqualTo("from-continuation"));
        }
        (await first).Dispose();
        (await second).Dispose();
    }

    [Test]
    public async Task Many_concurrent_callers_each_get_their_own_response([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        // Closed loops: each continuation sends its next request from inside a response batch.
        int[] lanes = Enumerable.Range(0, 32).ToArray();
        await Task.WhenAll(lanes.Select(async lane =>
        {
            for (int i = 0; i < 50; i++)
            {
                string echo = lane + "-" + i;
                using RemotingCommand response = await bed.Client.InvokeAsync(bed.Address, EchoRequest(echo));
                Assert.That(response.ExtFields.GetString("echo"u8), Is.EqualTo(echo));
            }
        })).WaitAsync(Patience * 2);
    }
}
