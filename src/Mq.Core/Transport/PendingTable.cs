using System.Diagnostics.CodeAnalysis;

namespace Mq.Transport;

/// <summary>
/// A connection's requests waiting for responses, by opaque. A plain dictionary under a lock rather than a
/// <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>: every request adds and
/// removes one entry, and the concurrent map allocates a node per add, where this one reuses its slots;
/// the lock is held for a hash lookup only.
/// </summary>
internal sealed class PendingTable
{
    private readonly Dictionary<int, PendingRequest> _entries = [];
    private volatile int _count;

    /// <summary>Number of requests waiting.</summary>
    public int Count => _count;

    /// <summary>Adds (or replaces, should an opaque ever wrap onto a forgotten request) an entry.</summary>
    public void Add(PendingRequest pending)
    {
        lock (_entries)
        {
            _entries[pending.Opaque] = pending;
            _count = _entries.Count;
        }
    }

    /// <summary>Removes and returns the request waiting for <paramref name="opaque"/>.</summary>
    public bool TryRemove(int opaque, [NotNullWhen(true)] out PendingRequest? pending)
    {
        lock (_entries)
        {
            if (_entries.Remove(opaque, out pending))
            {
                _count = _entries.Count;
                return true;
            }
            return false;
        }
    }

    /// <summary>Removes <paramref name="pending"/> if it is still the entry for its opaque.</summary>
    public bool TryRemove(PendingRequest pending)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(pending.Opaque, out PendingRequest? current) && ReferenceEquals(current, pending))
            {
                _entries.Remove(pending.Opaque);
                _count = _entries.Count;
                return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Removes the requests whose deadline is at or before <paramref name="now"/>; they are completed by
    /// the caller outside the lock. Null when none expired.
    /// </summary>
    public List<PendingRequest>? RemoveExpired(long now)
    {
        if (_count == 0)
        {
            return null;
        }
        List<PendingRequest>? expired = null;
        lock (_entries)
        {
            foreach (KeyValuePair<int, PendingRequest> entry in _entries)
            {
                if (now >= entry.Value.Deadline)
                {
                    (expired ??= []).Add(entry.Value);
                }
            }
            if (expired is not null)
            {
                foreach (PendingRequest pending in expired)
                {
                    _entries.Remove(pending.Opaque);
                }
                _count = _entries.Count;
            }
        }
        return expired;
    }

    /// <summary>Removes and returns every request (the connection closed).</summary>
    public List<PendingRequest> RemoveAll()
    {
        lock (_entries)
        {
            var all = new List<PendingRequest>(_entries.Values);
            _entries.Clear();
            _count = 0;
            return all;
        }
    }
}
