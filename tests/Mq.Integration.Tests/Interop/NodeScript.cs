using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Mq.Tests.Interop;

/// <summary>
/// One running <c>node tests/interop/&lt;script&gt;.js</c>: JSON lines from its stdout as they come, stderr kept for
/// failure messages, stdin closed to ask it to stop, killed on dispose.
/// </summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;

    private NodeScript(Process process)
    {
        _process = process;
        _stdoutPump = PumpAsync();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The folder holding package.json and the scripts.</summary>
    public static string InteropDirectory
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Mq.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }
            return dir is null ? throw new InvalidOperationException("Mq.sln not found above " + AppContext.BaseDirectory)
                : Path.Combine(dir, "tests", "interop");
        }
    }

    /// <summary>Set by .ci/run: a missing Node.js or ali-ons fails the interop tests instead of skipping them.</summary>
    public const string RequireVariable = "MQ_REQUIRE_INTEROP";

    private static readonly Lazy<string?> Missing = new(FindOrInstall, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Makes sure node and ali-ons are there, running <c>npm install</c> once when node is present but the
    /// package is not. When they cannot be had, the test is skipped with the reason (a fresh machine with
    /// only the .NET SDK still runs every other test), except under CI (<see cref="RequireVariable"/>),
    /// where a silent skip would hide lost interop coverage, so it fails.
    /// </summary>
    public static void RequireNodeAndAliOns()
    {
        if (Missing.Value is not { } reason)
        {
            return;
        }
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail(reason);
        }
        Assert.Ignore(reason);
    }

    private static string? FindOrInstall()
    {
        if (Run("node", "--version", TimeSpan.FromSeconds(10)) is { } noNode)
        {
            return "Node.js 18+ is needed on PATH for the ali-ons interop tests: " + noNode;
        }
        string package = Path.Combine(InteropDirectory, "node_modules", "ali-ons", "package.json");
        if (File.Exists(package))
        {
            return null;
        }
        // No lock file: lock files name registry hosts, which the repository must not.
        if (Run("npm", "install --no-package-lock --no-audit --no-fund", TimeSpan.FromMinutes(5)) is { } noPackage)
        {
            return $"'npm install' in {InteropDirectory} did not install ali-ons: " + noPackage;
        }
        return File.Exists(package) ? null : $"'npm install' in {InteropDirectory} ran but ali-ons is still missing.";
    }

    /// <summary>Runs a tool in the interop folder; null when it exits 0, else why not.</summary>
    private static string? Run(string tool, string arguments, TimeSpan timeout)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, arguments)
            {
                WorkingDirectory = InteropDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return $"'{tool} {arguments}' did not finish within {timeout.TotalSeconds:F0} s.";
            }
            return process.ExitCode == 0 ? null : $"'{tool} {arguments}' exited with {process.ExitCode}: {stderr.Result}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"'{tool}' is not on PATH ({e.Message}).";
        }
    }

    public static NodeScript Start(string script, params string[] args) => Start(script, null, args);

    /// <summary>Starts <paramref name="script"/> with extra environment variables (the ACL keys common.js reads).</summary>
    public static NodeScript Start(string script, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return new NodeScript(Process.Start(info) ?? throw new InvalidOperationException("node did not start"));
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith('{'))
                {
                    using var doc = JsonDocument.Parse(line);
                    _lines.Writer.TryWrite(doc.RootElement.Clone());
                }
            }
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }

    public async Task WriteStdinAndCloseAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text).ConfigureAwait(false);
        _process.StandardInput.Close();
    }

    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>Next JSON line, failing the test with the script's stderr when it ends or the deadline passes.</summary>
    public async Task<JsonElement> NextAsync(CancellationToken deadline)
    {
        try
        {
            if (await _lines.Reader.WaitToReadAsync(deadline).ConfigureAwait(false) && _lines.Reader.TryRead(out JsonElement line))
            {
                if (line.GetProperty("event").GetString() == "error")
                {
                    Assert.Fail("node script failed: " + line.GetProperty("message").GetString() + "\n" + Stderr);
                }
                return line;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("node script timed out; stderr:\n" + Stderr);
        }
        Assert.Fail($"node script ended (exit {(_process.HasExited ? _process.ExitCode : -1)}); stderr:\n" + Stderr);
        return default;
    }

    /// <summary>Reads lines until one has <c>event == name</c>.</summary>
    public async Task<JsonElement> WaitForAsync(string name, CancellationToken deadline, Action<JsonElement>? others = null)
    {
        while (true)
        {
            JsonElement line = await NextAsync(deadline).ConfigureAwait(false);
            if (line.GetProperty("event").GetString() == name)
            {
                return line;
            }
            others?.Invoke(line);
        }
    }

    public bool TryRead(out JsonElement line) => _lines.Reader.TryRead(out line);

    public async Task<int> WaitForExitAsync(CancellationToken deadline)
    {
        await _process.WaitForExitAsync(deadline).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        try
        {
            await _stdoutPump.ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }
        _process.Dispose();
    }
}
