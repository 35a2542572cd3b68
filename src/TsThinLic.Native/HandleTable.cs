namespace TsThinLic.Native;

/// <summary>
/// The opaque handles the C caller holds: numbers, not addresses, looked up here on every call. A closed, forged or
/// mistyped handle is refused (TSTHINLIC_E_INVALID_ARGUMENT) instead of being dereferenced, and numbers are never
/// reused, so a use after close cannot reach another object.
/// </summary>
internal static class HandleTable
{
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<nint, object> s_objects = [];

    // Odd, and far from the small integers and NULL a confused caller passes.
    private static long s_next = 0x7A510001;

    public static nint Add(object target)
    {
        lock (s_lock)
        {
            nint handle = (nint)s_next;
            s_next += 2;
            s_objects.Add(handle, target);
            return handle;
        }
    }

    public static T? Get<T>(nint handle)
        where T : class
    {
        lock (s_lock)
        {
            return s_objects.TryGetValue(handle, out object? target) ? target as T : null;
        }
    }

    /// <summary>Forgets the handle; the object it named, when it was a <typeparamref name="T"/>.</summary>
    public static T? Remove<T>(nint handle)
        where T : class
    {
        lock (s_lock)
        {
            if (s_objects.TryGetValue(handle, out object? target) && target is T typed)
            {
                s_objects.Remove(handle);
                return typed;
            }

            return null;
        }
    }
}
