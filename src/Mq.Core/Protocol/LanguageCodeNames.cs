namespace Mq.Protocol;

/// <summary>UTF-8 names of <see cref="LanguageCode"/> as they appear in JSON headers (Java enum names).</summary>
internal static class LanguageCodeNames
{
    public static ReadOnlySpan<byte> Utf8(LanguageCode code) => code switch
    {
        LanguageCode.Java => "JAVA"u8,
        LanguageCode.Cpp => "CPP"u8,
        LanguageCode.DotNet => "DOTNET"u8,
        LanguageCode.Python => "PYTHON"u8,
        LanguageCode.Delphi => "DELPHI"u8,
        LanguageCode.Erlang => "ERLANG"u8,
        LanguageCode.Ruby => "RUBY"u8,
        LanguageCode.Http => "HTTP"u8,
        LanguageCode.Go => "GO"u8,
        LanguageCode.Php => "PHP"u8,
        LanguageCode.Oms => "OMS"u8,
        LanguageCode.Rust => "RUST"u8,
        LanguageCode.NodeJs => "NODE_JS"u8,
        _ => "OTHER"u8,
    };

    /// <summary>Maps a name (exact, as Java's <c>LanguageCode.valueOf</c>) to its code; unknown -> OTHER.</summary>
    public static LanguageCode Parse(ReadOnlySpan<byte> name)
    {
        for (byte i = 0; i <= (byte)LanguageCode.NodeJs; i++)
        {
            if (name.SequenceEqual(Utf8((LanguageCode)i)))
            {
                return (LanguageCode)i;
            }
        }
        return LanguageCode.Other;
    }

    /// <summary>Maps a binary-header byte; unknown values read as OTHER.</summary>
    public static LanguageCode FromByte(byte value) =>
        value <= (byte)LanguageCode.NodeJs ? (LanguageCode)value : LanguageCode.Other;
}
