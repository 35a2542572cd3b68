using System.Reflection;
using System.Reflection.Emit;
using System.Xml.Linq;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Architecture;

/// <summary>
/// The layers of DESIGN.md, checked on what was built: which product assemblies each one references (its project file
/// and its compiled metadata), and, inside the core, which namespace uses which (every type reference in signatures,
/// attributes and IL), so a loop between the core's folders fails here even though one assembly cannot stop it.
/// </summary>
public sealed class LayeringTests
{
    private const string Core = "TsThinLic";

    // DESIGN.md: the core references nothing of ours; Rdp, Replay and Emulator reference the core (Replay also Rdp, whose
    // decoders frame captured connections and whose probe-secrets format it reads; Emulator also Rdp, whose server-side
    // PDUs, Standard RDP Security (Security/RsaPrivateKey included, shared with the replay's capture decryption) and
    // TLS server the emulated RDP server of `serve` runs on); the C library (Native) references the core only, so
    // libtsthinlic.so carries no probe, TLS, replay or emulator code; the host references all but it.
    private static readonly Dictionary<string, string[]> s_allowedAssemblyReferences = new()
    {
        [Core] = [],
        ["TsThinLic.Rdp"] = [Core],
        ["TsThinLic.Replay"] = [Core, "TsThinLic.Rdp"],
        ["TsThinLic.Emulator"] = [Core, "TsThinLic.Rdp"],
        ["TsThinLic.Native"] = [Core],
        ["TsThinLic.Host"] = [Core, "TsThinLic.Rdp", "TsThinLic.Replay", "TsThinLic.Emulator"],
    };

    // The core's namespaces, each with what it may use. Logging and Pdu are leaves; the random source sits in Crypto
    // and the store records in Records, below both Licensing and Storage, which never use each other.
    private static readonly Dictionary<string, string[]> s_allowedCoreDependencies = new()
    {
        ["Pdu"] = [],
        ["Logging"] = [],
        ["Crypto"] = ["Pdu"],
        ["Records"] = ["Pdu"],
        ["Cal"] = ["Pdu", "Crypto"],
        ["Licensing"] = ["Pdu", "Crypto", "Records", "Logging"],
        ["Storage"] = ["Pdu", "Crypto", "Records", "Logging"],
        ["Transport"] = ["Pdu", "Crypto", "Records", "Logging", "Licensing", "Storage"],
        ["Diagnostics"] = ["Pdu", "Crypto", "Records", "Logging", "Cal", "Storage"],
    };

    public static TheoryData<string> ProductAssemblies => new(s_allowedAssemblyReferences.Keys);

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void EachProjectReferencesOnlyTheLayersBelowIt(string name)
    {
        string project = Path.Combine(StoreTestKit.RepositoryRoot(), "src", name, name + ".csproj");
        string[] references = XDocument.Load(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(s_allowedAssemblyReferences[name].Order(StringComparer.Ordinal), references);
    }

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void EachAssemblyUsesOnlyTheLayersBelowIt(string name)
    {
        string[] used = Assembly.Load(name).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => s_allowedAssemblyReferences.ContainsKey(n))
            .ToArray();

        Assert.All(used, n => Assert.Contains(n, s_allowedAssemblyReferences[name]));
    }

    [Fact]
    public void TheCoresNamespacesUseOnlyTheLayersBelowThem()
    {
        Dictionary<string, HashSet<string>> graph = NamespaceGraph(Assembly.Load(Core), Core);

        Assert.Equal(s_allowedCoreDependencies.Keys.Order(StringComparer.Ordinal), graph.Keys.Order(StringComparer.Ordinal));
        foreach ((string area, HashSet<string> uses) in graph)
        {
            string[] forbidden = uses.Except(s_allowedCoreDependencies[area]).Order(StringComparer.Ordinal).ToArray();
            Assert.True(forbidden.Length == 0, $"{Core}.{area} uses {string.Join(", ", forbidden)}, which it must not (DESIGN.md)");
        }
    }

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void NoAssemblyHasANamespaceLoop(string name)
    {
        Dictionary<string, HashSet<string>> graph = NamespaceGraph(Assembly.Load(name), name);
        foreach (string start in graph.Keys)
        {
            // Every namespace reachable from start; start itself among them is a loop.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var path = new Dictionary<string, string>(StringComparer.Ordinal);
            var queue = new Queue<string>(graph[start]);
            foreach (string next in graph[start])
            {
                path[next] = start;
            }

            while (queue.TryDequeue(out string? current))
            {
                if (!seen.Add(current) || !graph.TryGetValue(current, out HashSet<string>? uses))
                {
                    continue;
                }

                Assert.False(current == start, $"{name}: namespace loop through {start} (… {path[current]} → {start})");
                foreach (string next in uses)
                {
                    path.TryAdd(next, current);
                    queue.Enqueue(next);
                }
            }
        }
    }

    [Fact]
    public void TheGraphSeesAReferenceHiddenInAMethodBody()
    {
        // The IL scan must find uses a signature does not show, or the tests above could pass on a loop.
        HashSet<Type> used = TypesUsedBy(typeof(ProbeForTheScanner));

        Assert.Contains(typeof(Records.LicenseKey), used);
        Assert.Contains(typeof(Logging.Log), used);
    }

    // The core-relative area of each product namespace ("TsThinLic.Storage.Flash" → "Storage"), with the areas it uses.
    private static Dictionary<string, HashSet<string>> NamespaceGraph(Assembly assembly, string root)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Type type in assembly.GetTypes())
        {
            if (AreaOf(type, root) is not { } from)
            {
                continue;
            }

            HashSet<string> edges = graph.TryGetValue(from, out HashSet<string>? existing) ? existing : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Type used in TypesUsedBy(type))
            {
                if (used.Assembly == assembly && AreaOf(used, root) is { } to && to != from)
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    private static string? AreaOf(Type type, string root)
    {
        string? ns = type.Namespace;
        if (ns is null || !(ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal)))
        {
            return null;
        }

        string rest = ns.Length == root.Length ? "(root)" : ns[(root.Length + 1)..];
        int dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static HashSet<Type> TypesUsedBy(Type type)
    {
        var used = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null)
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (Type argument in t.GetGenericArguments())
                {
                    Add(argument);
                }

                Add(t.GetGenericTypeDefinition());
                return;
            }

            if (!t.IsGenericParameter)
            {
                used.Add(t);
            }
        }

        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Add(type.BaseType);
        Add(type.DeclaringType);
        foreach (Type i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (CustomAttributeData attribute in type.GetCustomAttributesData())
        {
            Add(attribute.AttributeType);
        }

        foreach (FieldInfo field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (PropertyInfo property in type.GetProperties(All))
        {
            Add(property.PropertyType);
        }

        foreach (MethodBase method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (Type t in TypesInBody(method))
            {
                Add(t);
            }
        }

        return used;
    }

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    // Every type a method body names: the operands of its type, field, method and token instructions.
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int offset = 0;
        while (offset < il.Length)
        {
            short value = il[offset] == 0xFE ? (short)(0xFE00 | il[offset + 1]) : il[offset];
            offset += il[offset] == 0xFE ? 2 : 1;
            OpCode opCode = s_opCodes[value];
            int operandSize = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, offset)),
                _ => 4,
            };
            if (opCode.OperandType is OperandType.InlineType or OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, offset), typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                    // A token the runtime cannot resolve without more context names nothing of ours.
                }

                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case MethodBase m:
                        yield return m.DeclaringType!;
                        if (m is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (Type argument in generic.GetGenericArguments())
                            {
                                yield return argument;
                            }
                        }

                        break;
                }
            }

            offset += operandSize;
        }
    }

    private static class ProbeForTheScanner
    {
        public static int Use()
        {
            object key = new Records.LicenseKey(1, "s", "c", "p");
            Logging.Log.StoreWiped(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, "s", key.ToString()!);
            return 0;
        }
    }
}
