namespace Mq.Protocol;

/// <summary>
/// A typed command header (Java <c>CommandCustomHeader</c>): its fields travel as <c>extFields</c>.
/// Implementations are hand-written per header (no reflection) and reusable: <see cref="Decode"/>
/// overwrites every field.
/// </summary>
internal interface ICommandHeader
{
    /// <summary>Writes the non-null fields.</summary>
    void Encode(ExtFields fields);

    /// <summary>Reads every field; a missing required one throws <see cref="RemotingCommandException"/>.</summary>
    void Decode(ExtFields fields);
}
