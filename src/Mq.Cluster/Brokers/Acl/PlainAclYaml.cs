using System.Globalization;
using System.Text;
using Mq.Protocol.Body;

namespace Mq.Brokers.Acl;

/// <summary>
/// Reads and writes RocketMQ's <c>plain_acl.yml</c>. The file is YAML, but only the block structure that file uses:
/// mappings, sequences (block, and flow <c>[a, b]</c> of scalars), plain and quoted scalars, comments. Anything
/// else (anchors, multi-line scalars, flow mappings, tabs) is refused with its line number rather than misread: an
/// ACL file read wrongly opens or closes the broker to the wrong clients.
/// </summary>
internal static class PlainAclYaml
{
    /// <summary>Parses the file's text; <paramref name="version"/> is its <c>dataVersion</c> (default when absent).</summary>
    /// <exception cref="FormatException">Text outside the supported subset, or values of the wrong shape.</exception>
    public static AclConfig Parse(string text, out DataVersion version)
    {
        object? root = new Reader(text).ReadDocument();
        var config = new AclConfig();
        version = default;
        if (root is null)
        {
            return config;
        }
        if (root is not Dictionary<string, object?> map)
        {
            throw new FormatException("plain_acl.yml must be a mapping at the top level.");
        }
        config.GlobalWhiteAddrs = StringList(map, "globalWhiteRemoteAddresses");
        if (map.GetValueOrDefault("accounts") is { } accounts)
        {
            foreach (object? item in AsList(accounts, "accounts"))
            {
                if (item is not Dictionary<string, object?> account)
                {
                    throw new FormatException("Each entry of 'accounts' must be a mapping.");
                }
                config.PlainAccessConfigs.Add(new PlainAccessConfig
                {
                    AccessKey = Scalar(account, "accessKey") ?? string.Empty,
                    SecretKey = Scalar(account, "secretKey") ?? string.Empty,
                    WhiteRemoteAddress = Scalar(account, "whiteRemoteAddress"),
                    Admin = string.Equals(Scalar(account, "admin"), "true", StringComparison.OrdinalIgnoreCase),
                    DefaultTopicPerm = Scalar(account, "defaultTopicPerm"),
                    DefaultGroupPerm = Scalar(account, "defaultGroupPerm"),
                    TopicPerms = StringList(account, "topicPerms"),
                    GroupPerms = StringList(account, "groupPerms"),
                });
            }
        }
        if (map.GetValueOrDefault("dataVersion") is { } versions && AsList(versions, "dataVersion") is [Dictionary<string, object?> first, ..])
        {
            version = new DataVersion(Long(first, "timestamp"), Long(first, "counter"));
        }
        return config;
    }

    /// <summary>The file's text for <paramref name="config"/> (what the ACL admin commands write back).</summary>
    public static string Write(AclConfig config, DataVersion version)
    {
        var text = new StringBuilder();
        text.Append("globalWhiteRemoteAddresses:");
        WriteList(text, config.GlobalWhiteAddrs, "  ");
        text.Append("accounts:");
        if (config.PlainAccessConfigs.Count == 0)
        {
            text.Append(" []\n");
        }
        else
        {
            text.Append('\n');
            foreach (PlainAccessConfig account in config.PlainAccessConfigs)
            {
                text.Append("  - accessKey: ").Append(Quote(account.AccessKey)).Append('\n');
                text.Append("    secretKey: ").Append(Quote(account.SecretKey)).Append('\n');
                text.Append("    whiteRemoteAddress:").Append(account.WhiteRemoteAddress is null ? string.Empty : " " + Quote(account.WhiteRemoteAddress)).Append('\n');
                text.Append("    admin: ").Append(account.Admin ? "true" : "false").Append('\n');
                if (account.DefaultTopicPerm is not null)
                {
                    text.Append("    defaultTopicPerm: ").Append(Quote(account.DefaultTopicPerm)).Append('\n');
                }
                if (account.DefaultGroupPerm is not null)
                {
                    text.Append("    defaultGroupPerm: ").Append(Quote(account.DefaultGroupPerm)).Append('\n');
                }
                text.Append("    topicPerms:");
                WriteList(text, account.TopicPerms, "      ");
                text.Append("    groupPerms:");
                WriteList(text, account.GroupPerms, "      ");
            }
        }
        text.Append("dataVersion:\n");
        text.Append("  - counter: ").Append(version.Counter.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("    timestamp: ").Append(version.Timestamp.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    private static void WriteList(StringBuilder text, List<string> items, string indent)
    {
        if (items.Count == 0)
        {
            text.Append(" []\n");
            return;
        }
        text.Append('\n');
        foreach (string item in items)
        {
            text.Append(indent).Append("- ").Append(Quote(item)).Append('\n');
        }
    }

    // Single quotes keep every value a string on re-reading (a secret key of digits, a '*' address, "PUB|SUB").
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string? Scalar(Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
    {
        null => null,
        string s => s,
        _ => throw new FormatException($"'{key}' must be a single value."),
    };

    private static long Long(Dictionary<string, object?> map, string key) =>
        Scalar(map, key) is { } s ? long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"'{key}' must be an integer (was '{s}').") : 0;

    private static List<string> StringList(Dictionary<string, object?> map, string key)
    {
        var result = new List<string>();
        if (map.GetValueOrDefault(key) is { } value)
        {
            foreach (object? item in AsList(value, key))
            {
                if (item is string s)
                {
                    result.Add(s);
                }
                else if (item is not null)
                {
                    throw new FormatException($"Each entry of '{key}' must be a single value.");
                }
            }
        }
        return result;
    }

    private static List<object?> AsList(object value, string key) =>
        value as List<object?> ?? throw new FormatException($"'{key}' must be a list.");

    private readonly record struct Line(int Number, int Indent, string Text);

    /// <summary>Indentation-driven recursive descent over the significant lines.</summary>
    private sealed class Reader
    {
        private readonly List<Line> _lines = [];
        private int _at;

        public Reader(string text)
        {
            string[] raw = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (int i = 0; i < raw.Length; i++)
            {
                string line = StripComment(raw[i]).TrimEnd();
                int indent = 0;
                while (indent < line.Length && line[indent] == ' ')
                {
                    indent++;
                }
                if (indent == line.Length)
                {
                    continue;
                }
                if (line[indent] == '\t')
                {
                    throw Error(i + 1, "tabs cannot indent YAML");
                }
                if (indent == 0 && (line == "---" || line == "..."))
                {
                    continue;
                }
                _lines.Add(new Line(i + 1, indent, line[indent..]));
            }
        }

        public object? ReadDocument()
        {
            if (_lines.Count == 0)
            {
                return null;
            }
            object? root = ReadNode(_lines[0].Indent);
            if (_at < _lines.Count)
            {
                throw Error(_lines[_at].Number, "unexpected indentation");
            }
            return root;
        }

        private object? ReadNode(int indent)
        {
            Line line = _lines[_at];
            return IsSequenceItem(line.Text) ? ReadSequence(indent) : ReadMapping(indent);
        }

        private List<object?> ReadSequence(int indent)
        {
            var items = new List<object?>();
            while (_at < _lines.Count && _lines[_at].Indent == indent && IsSequenceItem(_lines[_at].Text))
            {
                Line line = _lines[_at];
                string content = line.Text.Length == 1 ? string.Empty : line.Text[2..].TrimStart();
                if (content.Length == 0)
                {
                    _at++;
                    items.Add(_at < _lines.Count && _lines[_at].Indent > indent ? ReadNode(_lines[_at].Indent) : null);
                    continue;
                }
                if (IsSequenceItem(content) || SplitKey(content, line.Number) is not null)
                {
                    // A mapping (or nested sequence) starting on the item's line: it continues at the column it starts at.
                    int column = line.Indent + (line.Text.Length - content.Length);
                    _lines[_at] = line with { Indent = column, Text = content };
                    items.Add(ReadNode(column));
                    continue;
                }
                _at++;
                items.Add(ReadInline(content, line.Number));
            }
            return items;
        }

        private Dictionary<string, object?> ReadMapping(int indent)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (_at < _lines.Count && _lines[_at].Indent == indent && !IsSequenceItem(_lines[_at].Text))
            {
                Line line = _lines[_at];
                (string key, string rest) = SplitKey(line.Text, line.Number) ?? throw Error(line.Number, "expected 'key: value'");
                if (map.ContainsKey(key))
                {
                    throw Error(line.Number, $"duplicate key '{key}'");
                }
                _at++;
                if (rest.Length > 0)
                {
                    map[key] = ReadInline(rest, line.Number);
                }
                else if (_at < _lines.Count && (_lines[_at].Indent > indent || (_lines[_at].Indent == indent && IsSequenceItem(_lines[_at].Text))))
                {
                    map[key] = ReadNode(_lines[_at].Indent);
                }
                else
                {
                    map[key] = null;
                }
            }
            if (_at < _lines.Count && _lines[_at].Indent > indent)
            {
                throw Error(_lines[_at].Number, "unexpected indentation");
            }
            return map;
        }

        private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

        /// <summary>Splits <c>key: rest</c>; null when the text is not a mapping entry (a plain scalar).</summary>
        private static (string Key, string Value)? SplitKey(string text, int number)
        {
            if (text[0] is '"' or '\'')
            {
                int end = ClosingQuote(text, 0, number);
                string rest = text[(end + 1)..].TrimStart();
                if (!rest.StartsWith(':'))
                {
                    return null;
                }
                return (Unquote(text[..(end + 1)], number), rest[1..].Trim());
            }
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == ':' && (i + 1 == text.Length || text[i + 1] == ' '))
                {
                    return (text[..i].TrimEnd(), text[(i + 1)..].Trim());
                }
            }
            return null;
        }

        private static object? ReadInline(string text, int number)
        {
            if (text[0] == '[')
            {
                if (text[^1] != ']')
                {
                    throw Error(number, "a flow sequence must end on its line");
                }
                var items = new List<object?>();
                string inner = text[1..^1].Trim();
                if (inner.Length == 0)
                {
                    return items;
                }
                int start = 0;
                for (int i = 0; i <= inner.Length; i++)
                {
                    if (i < inner.Length && inner[i] is '"' or '\'')
                    {
                        i = ClosingQuote(inner, i, number);
                        continue;
                    }
                    if (i == inner.Length || inner[i] == ',')
                    {
                        string item = inner[start..i].Trim();
                        if (item.Length > 0)
                        {
                            items.Add(ReadScalar(item, number));
                        }
                        start = i + 1;
                    }
                }
                return items;
            }
            if (text[0] is '{' or '&' or '*' or '!' or '|' or '>')
            {
                throw Error(number, $"'{text[0]}' values are not supported in an ACL file");
            }
            return ReadScalar(text, number);
        }

        private static string? ReadScalar(string text, int number)
        {
            if (text[0] is '"' or '\'')
            {
                if (ClosingQuote(text, 0, number) != text.Length - 1)
                {
                    throw Error(number, "text after a closing quote");
                }
                return Unquote(text, number);
            }
            return text is "~" or "null" or "Null" or "NULL" ? null : text;
        }

        private static int ClosingQuote(string text, int open, int number)
        {
            char quote = text[open];
            for (int i = open + 1; i < text.Length; i++)
            {
                if (quote == '\'' && text[i] == '\'')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        i++;
                        continue;
                    }
                    return i;
                }
                if (quote == '"')
                {
                    if (text[i] == '\\')
                    {
                        i++;
                        continue;
                    }
                    if (text[i] == '"')
                    {
                        return i;
                    }
                }
            }
            throw Error(number, "unterminated quoted value");
        }

        private static string Unquote(string quoted, int number)
        {
            string inner = quoted[1..^1];
            if (quoted[0] == '\'')
            {
                return inner.Replace("''", "'", StringComparison.Ordinal);
            }
            var text = new StringBuilder(inner.Length);
            for (int i = 0; i < inner.Length; i++)
            {
                char c = inner[i];
                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }
                if (++i == inner.Length)
                {
                    throw Error(number, "a quoted value ends in a backslash");
                }
                text.Append(inner[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    _ => throw Error(number, $"unsupported escape '\\{inner[i]}'"),
                });
            }
            return text.ToString();
        }

        /// <summary>Drops a comment: '#' at the start or after a space, outside quotes.</summary>
        private static string StripComment(string line)
        {
            char quote = '\0';
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quote != '\0')
                {
                    if (quote == '"' && c == '\\')
                    {
                        i++;
                    }
                    else if (c == quote)
                    {
                        quote = '\0';
                    }
                    continue;
                }
                if (c is '"' or '\'' && (i == 0 || line[i - 1] is ' ' or '[' or ',' or ':' or '-'))
                {
                    quote = c;
                }
                else if (c == '#' && (i == 0 || line[i - 1] is ' ' or '\t'))
                {
                    return line[..i];
                }
            }
            return line;
        }

        private static FormatException Error(int line, string message) => new($"plain_acl.yml line {line}: {message}.");
    }
}
