using Mq.Messages;

namespace Mq.Client;

/// <summary>The outcome of one PULL_MESSAGE (RocketMQ <c>PullResult</c>); <see cref="Records"/> is set for FOUND only.</summary>
internal sealed record PullResult(int Code, long NextBeginOffset, long MinOffset, long MaxOffset, long SuggestWhichBrokerId, List<DecodedMessage>? Records);
