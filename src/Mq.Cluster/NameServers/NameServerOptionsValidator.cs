using Microsoft.Extensions.Options;

namespace Mq.NameServers;

/// <summary>
/// <see cref="IValidateOptions{TOptions}"/> for <see cref="NameServerOptions"/>, so options bound from
/// configuration fail at start (with <c>ValidateOnStart</c>) rather than at first use.
/// </summary>
internal sealed class NameServerOptionsValidator : IValidateOptions<NameServerOptions>
{
    public ValidateOptionsResult Validate(string? name, NameServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = options.CollectErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
