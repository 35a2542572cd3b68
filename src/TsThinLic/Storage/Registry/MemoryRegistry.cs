namespace TsThinLic.Storage.Registry;

/// <summary>
/// An in-memory hive (HKEY_LOCAL_MACHINE only): the registry store's test double, and what a .reg file reads into. Keys
/// keep their subkeys sorted (as regedit enumerates and exports them) and their values in the order set.
/// </summary>
public sealed class MemoryRegistry : IRegistry
{
    private readonly Node _root = new("HKEY_LOCAL_MACHINE");
    private readonly Dictionary<string, IReadOnlyList<RegistryAccessRule>> _rules = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>What <see cref="GetWriteFilterState"/> reports.</summary>
    public WriteFilterState WriteFilter { get; set; } = new(false, null, "in-memory hive");

    /// <summary>Sets the access rules <see cref="GetAccessRules"/> reports for a key (none set: it reports null, as for a .reg file, which keeps no ACL).</summary>
    public void SetAccessRules(string keyPath, IReadOnlyList<RegistryAccessRule> rules)
    {
        lock (_lock)
        {
            _rules[Normalize(keyPath)] = rules.ToArray();
        }
    }

    public bool KeyExists(string keyPath)
    {
        lock (_lock)
        {
            return Find(keyPath) is not null;
        }
    }

    public IReadOnlyList<string> GetSubKeyNames(string keyPath)
    {
        lock (_lock)
        {
            return Find(keyPath)?.Children.Values.Select(c => c.Name).ToArray() ?? [];
        }
    }

    public IReadOnlyList<string> GetValueNames(string keyPath)
    {
        lock (_lock)
        {
            return Find(keyPath)?.Values.Select(v => v.Name).ToArray() ?? [];
        }
    }

    public RegistryValue? GetValue(string keyPath, string valueName)
    {
        lock (_lock)
        {
            Node? node = Find(keyPath);
            return node?.Values.FirstOrDefault(v => string.Equals(v.Name, valueName, StringComparison.OrdinalIgnoreCase)).Value;
        }
    }

    public void SetValue(string keyPath, string valueName, RegistryValue value)
    {
        ArgumentNullException.ThrowIfNull(valueName);
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            Node node = Create(keyPath);
            int index = node.Values.FindIndex(v => string.Equals(v.Name, valueName, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                node.Values[index] = (node.Values[index].Name, value);
            }
            else
            {
                node.Values.Add((valueName, value));
            }
        }
    }

    /// <summary>Creates a key (and its parents) with no values.</summary>
    public void CreateKey(string keyPath)
    {
        lock (_lock)
        {
            Create(keyPath);
        }
    }

    public void DeleteValue(string keyPath, string valueName)
    {
        lock (_lock)
        {
            Find(keyPath)?.Values.RemoveAll(v => string.Equals(v.Name, valueName, StringComparison.OrdinalIgnoreCase));
        }
    }

    public void DeleteKeyTree(string keyPath)
    {
        lock (_lock)
        {
            string[] parts = Split(keyPath);
            if (parts.Length == 0)
            {
                throw new ArgumentException("The hive root cannot be deleted.", nameof(keyPath));
            }

            Node? parent = Find(string.Join('\\', parts[..^1]));
            parent?.Children.Remove(parts[^1]);
        }
    }

    public IReadOnlyList<RegistryAccessRule>? GetAccessRules(string keyPath)
    {
        lock (_lock)
        {
            return Find(keyPath) is null ? null : _rules.GetValueOrDefault(Normalize(keyPath));
        }
    }

    public WriteFilterState GetWriteFilterState() => WriteFilter;

    /// <summary>Every key under <paramref name="keyPath"/> (itself first), depth first in sorted order, with its values.</summary>
    public IEnumerable<(string Path, IReadOnlyList<(string Name, RegistryValue Value)> Values)> Walk(string keyPath)
    {
        List<(string, IReadOnlyList<(string, RegistryValue)>)> result = [];
        lock (_lock)
        {
            Node? start = Find(keyPath);
            if (start is not null)
            {
                Visit(start, string.Join('\\', Split(keyPath)), result);
            }
        }

        return result;
    }

    /// <summary>A deep copy (to compare a store before and after, or to fork a state in a sweep).</summary>
    public MemoryRegistry Clone()
    {
        var copy = new MemoryRegistry { WriteFilter = WriteFilter };
        lock (_lock)
        {
            CopyInto(_root, copy._root);
            foreach (KeyValuePair<string, IReadOnlyList<RegistryAccessRule>> rule in _rules)
            {
                copy._rules[rule.Key] = rule.Value;
            }
        }

        return copy;
    }

    /// <summary>Same keys and values, byte for byte.</summary>
    public bool ContentEquals(MemoryRegistry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var mine = Walk(string.Empty).ToList();
        var theirs = other.Walk(string.Empty).ToList();
        if (mine.Count != theirs.Count)
        {
            return false;
        }

        for (int i = 0; i < mine.Count; i++)
        {
            if (!string.Equals(mine[i].Path, theirs[i].Path, StringComparison.OrdinalIgnoreCase) || mine[i].Values.Count != theirs[i].Values.Count)
            {
                return false;
            }

            for (int j = 0; j < mine[i].Values.Count; j++)
            {
                if (!string.Equals(mine[i].Values[j].Name, theirs[i].Values[j].Name, StringComparison.OrdinalIgnoreCase)
                    || !mine[i].Values[j].Value.ContentEquals(theirs[i].Values[j].Value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static void CopyInto(Node from, Node to)
    {
        foreach ((string name, RegistryValue value) in from.Values)
        {
            to.Values.Add((name, value));
        }

        foreach (Node child in from.Children.Values)
        {
            var copy = new Node(child.Name);
            to.Children[child.Name] = copy;
            CopyInto(child, copy);
        }
    }

    private static void Visit(Node node, string path, List<(string, IReadOnlyList<(string, RegistryValue)>)> result)
    {
        result.Add((path, node.Values.ToArray()));
        foreach (Node child in node.Children.Values)
        {
            Visit(child, path.Length == 0 ? child.Name : path + "\\" + child.Name, result);
        }
    }

    private Node? Find(string keyPath)
    {
        Node node = _root;
        foreach (string part in Split(keyPath))
        {
            if (!node.Children.TryGetValue(part, out Node? child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private Node Create(string keyPath)
    {
        Node node = _root;
        foreach (string part in Split(keyPath))
        {
            if (!node.Children.TryGetValue(part, out Node? child))
            {
                child = new Node(part);
                node.Children[part] = child;
            }

            node = child;
        }

        return node;
    }

    private static string[] Split(string keyPath)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        return keyPath.Split('\\', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Normalize(string keyPath) => string.Join('\\', Split(keyPath));

    private sealed class Node(string name)
    {
        public string Name { get; } = name;

        public SortedDictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<(string Name, RegistryValue Value)> Values { get; } = [];
    }
}
