namespace TsThinLic.Cal;

/// <summary>
/// An X.509 Name as CALs use it: commonly one multi-valued RDN of BMPStrings (CN, L, serialNumber), sometimes
/// ordinary single-valued RDNs of PrintableStrings. Every attribute is kept in order.
/// </summary>
public sealed class CalName
{
    /// <summary>2.5.4.3</summary>
    public const string CommonNameOid = "2.5.4.3";

    /// <summary>2.5.4.7</summary>
    public const string LocalityOid = "2.5.4.7";

    /// <summary>2.5.4.5</summary>
    public const string SerialNumberOid = "2.5.4.5";

    internal CalName(IReadOnlyList<KeyValuePair<string, string>> attributes) => Attributes = attributes;

    /// <summary>(OID, value) pairs in the order they appear.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; }

    public string? CommonName => Find(CommonNameOid);

    public string? Locality => Find(LocalityOid);

    public string? SerialNumber => Find(SerialNumberOid);

    /// <summary>The first value of an attribute, or null.</summary>
    public string? Find(string oid)
    {
        foreach (KeyValuePair<string, string> attribute in Attributes)
        {
            if (attribute.Key == oid)
            {
                return attribute.Value;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Attributes.Select(a => $"{ShortName(a.Key)}={a.Value.TrimEnd('\r', '\n')}"));

    private static string ShortName(string oid) => oid switch
    {
        CommonNameOid => "CN",
        LocalityOid => "L",
        SerialNumberOid => "serialNumber",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        _ => oid,
    };
}
