using System.Diagnostics;
using System.Text.RegularExpressions;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Tests.Server;

/// <summary>The built Mq.Server as a real process: listens, answers, stops cleanly on SIGTERM.</summary>
[TestFixture]
[Platform(Exclude = "Win")]
public sealed partial class ServerProcessTests
{
    [GeneratedRegex(@"listening on .* \(address (?<address>[^ )]+)")]
    private static partial Regex Listening();

    [Test]
    public async Task NameServer_AnswersARouteQuery_AndExitsZeroOnSigterm()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string dll = Path.Combine(AppContext.BaseDirectory, "Mq.Server.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[dll, "namesrv", "--port", "0", "--listen", "127.0.0.1"])
        {
            info.ArgumentList.Add(arg);
        }
        using Process server = Process.Start(info)!;
        try
        {
            string? address = null;
            var seen = new System.Text.StringBuilder();
            while (address is null && await server.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                seen.AppendLine(line);
                Match match = Listening().Match(line);
                if (match.Success)
                {
                    address = match.Groups["address"].Value;
                }
            }
            Assert.That(address, Is.Not.Null, "no 'listening' line; stdout: " + seen);

            await using (var client = new RemotingClient(new TransportOptions()))
            {
                RemotingCommand response = await client.InvokeAsync(address!,
                    RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "NoSuchTopic" }), null, deadline.Token);
                Assert.That(response.Code, Is.EqualTo(ResponseCode.TopicNotExist));
            }

            Task<string> rest = server.StandardOutput.ReadToEndAsync(deadline.Token);
            Task<string> errors = server.StandardError.ReadToEndAsync(deadline.Token);
            using (Process kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(deadline.Token);
            }
            await server.WaitForExitAsync(deadline.Token);
            Assert.That(server.ExitCode, Is.Zero, await errors);
            Assert.That(await rest, Does.Contain("stopped"));
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }
}
