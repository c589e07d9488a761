namespace Mq.Protocol;

/// <summary>
/// The sender's language (RocketMQ <c>LanguageCode</c>): the enum name in JSON headers, the byte in
/// binary headers. Unknown names read as <see cref="Other"/>.
/// </summary>
public enum LanguageCode : byte
{
    /// <summary><c>JAVA</c>.</summary>
    Java = 0,
    /// <summary><c>CPP</c>.</summary>
    Cpp = 1,
    /// <summary><c>DOTNET</c>: what our nodes and clients send.</summary>
    DotNet = 2,
    /// <summary><c>PYTHON</c>.</summary>
    Python = 3,
    /// <summary><c>DELPHI</c>.</summary>
    Delphi = 4,
    /// <summary><c>ERLANG</c>.</summary>
    Erlang = 5,
    /// <summary><c>RUBY</c>.</summary>
    Ruby = 6,
    /// <summary><c>OTHER</c>: also what an unknown name reads as.</summary>
    Other = 7,
    /// <summary><c>HTTP</c>.</summary>
    Http = 8,
    /// <summary><c>GO</c>.</summary>
    Go = 9,
    /// <summary><c>PHP</c>.</summary>
    Php = 10,
    /// <summary><c>OMS</c>.</summary>
    Oms = 11,
    /// <summary><c>RUST</c>.</summary>
    Rust = 12,
    /// <summary><c>NODE_JS</c> (5.x only; a 4.9 peer does not know it).</summary>
    NodeJs = 13,
}
