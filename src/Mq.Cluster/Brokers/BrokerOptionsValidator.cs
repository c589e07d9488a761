using Microsoft.Extensions.Options;

namespace Mq.Brokers;

/// <summary>
/// <see cref="IValidateOptions{TOptions}"/> for <see cref="BrokerOptions"/>, so options bound from configuration
/// fail at start (with <c>ValidateOnStart</c>) rather than at first use.
/// </summary>
internal sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = options.CollectErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
