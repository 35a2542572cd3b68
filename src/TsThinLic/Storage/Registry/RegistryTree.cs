namespace TsThinLic.Storage.Registry;

/// <summary>
/// Moves a key and everything under it between registries, value for value: how a <c>.reg</c> backup of MSLicensing is
/// taken from the live registry and put back (the same thing <c>reg export</c> / <c>reg import</c> do on Windows).
/// </summary>
public static class RegistryTree
{
    /// <summary>The deepest key path followed; MSLicensing is three levels deep.</summary>
    public const int MaxDepth = 16;

    /// <summary>The most keys copied: a store has at most a few hundred entries.</summary>
    public const int MaxKeys = 4096;

    /// <summary>A copy of <paramref name="keyPath"/> and everything under it, in a new in-memory hive.</summary>
    public static MemoryRegistry Copy(IRegistry source, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = new MemoryRegistry();
        if (source.KeyExists(keyPath))
        {
            int keys = 0;
            CopyKey(source, keyPath, copy, keyPath, 0, ref keys);
        }

        return copy;
    }

    /// <summary>Makes <paramref name="keyPath"/> in <paramref name="target"/> exactly what it is in <paramref name="source"/> (removed when absent there).</summary>
    public static void Replace(IRegistry target, MemoryRegistry source, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        target.DeleteKeyTree(keyPath);
        if (source.KeyExists(keyPath))
        {
            int keys = 0;
            CopyKey(source, keyPath, target, keyPath, 0, ref keys);
        }
    }

    private static void CopyKey(IRegistry from, string fromPath, IRegistry to, string toPath, int depth, ref int keys)
    {
        if (depth > MaxDepth || ++keys > MaxKeys)
        {
            throw new LicenseStoreException($"HKLM\\{fromPath} is deeper than {MaxDepth} levels or holds more than {MaxKeys} keys: not a license store.");
        }

        if (to is MemoryRegistry memory)
        {
            // An empty key is part of the tree too (regedit writes it); IRegistry makes keys only through values.
            memory.CreateKey(toPath);
        }

        foreach (string name in from.GetValueNames(fromPath))
        {
            if (from.GetValue(fromPath, name) is { } value)
            {
                to.SetValue(toPath, name, value);
            }
        }

        foreach (string child in from.GetSubKeyNames(fromPath))
        {
            CopyKey(from, fromPath + "\\" + child, to, toPath + "\\" + child, depth + 1, ref keys);
        }
    }
}
