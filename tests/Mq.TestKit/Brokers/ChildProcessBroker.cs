using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Mq.TestKit.Brokers;

/// <summary>
/// The standalone server (samples/Mq.Server) running a broker in a child process on one store folder, for
/// crash tests: start it, wait for its "listening" line, kill it with SIGKILL, start it again on the same files.
/// Settings go through a broker.conf with RocketMQ property names; only the listen address/port, store folder and
/// broker name are passed on the command line.
/// </summary>
public sealed partial class ChildProcessBroker : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly string _serverDll;
    private readonly string _confPath;
    private readonly Queue<string> _output = new();
    private Process? _process;
    private TaskCompletionSource<string>? _ready;

    /// <summary>
    /// Prepares a broker named <paramref name="brokerName"/> on <paramref name="storeDir"/>, its broker.conf holding
    /// <paramref name="conf"/> (key=value lines). <paramref name="serverDll"/> defaults to Mq.Server.dll next to the tests.
    /// </summary>
    public ChildProcessBroker(string storeDir, string brokerName, IEnumerable<string> conf, string? serverDll = null)
    {
        StoreDir = storeDir;
        BrokerName = brokerName;
        _serverDll = serverDll ?? Path.Combine(AppContext.BaseDirectory, "Mq.Server.dll");
        // The conf lives beside the store folder, never inside it (the store folder is the broker's alone).
        _confPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storeDir))!, brokerName + ".conf");
        File.WriteAllLines(_confPath, conf);
    }

    [GeneratedRegex(@"listening on .* \(address (?<address>[^ ,)]+)")]
    private static partial Regex Listening();

    /// <summary>The store folder (kept across restarts).</summary>
    public string StoreDir { get; }

    /// <summary>The broker name.</summary>
    public string BrokerName { get; }

    /// <summary>The remoting address of the running process (changes with every start: the port is chosen by the OS).</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>How many times the process was started.</summary>
    public int Starts { get; private set; }

    /// <summary>The process id of the running broker, or 0.</summary>
    public int ProcessId => _process is { HasExited: false } p ? p.Id : 0;

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Starts the process and completes once it prints its listening line; returns the address.</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The broker process is already running.");
        }
        _process?.Dispose();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[_serverDll, "broker", "-c", _confPath, "--broker-name", BrokerName, "--listen", "127.0.0.1",
            "--listen-port", "0", "--store", StoreDir])
        {
            info.ArgumentList.Add(arg);
        }
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ready = ready;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, null);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The broker process exited before listening; output:" + Environment.NewLine + RecentOutput));
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start the broker process.");
        }
        _process = process;
        Starts++;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Address = await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The broker process did not print its listening line in time; output:" + Environment.NewLine + RecentOutput);
        }
        return Address;
    }

    private void OnLine(string? line, TaskCompletionSource<string>? ready)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
        if (ready is not null && Listening().Match(line) is { Success: true } match)
        {
            ready.TrySetResult(match.Groups["address"].Value);
        }
    }

    /// <summary>Kills the process with SIGKILL (no shutdown code runs) and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is not { } process)
        {
            return;
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the process with SIGTERM (the server's clean shutdown) and returns its exit code.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        if (_process is not { HasExited: false } process)
        {
            return _process?.ExitCode ?? 0;
        }
        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Kills the process if it still runs and removes the conf file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Exited meanwhile.
                }
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            process.Dispose();
        }
        File.Delete(_confPath);
    }
}
