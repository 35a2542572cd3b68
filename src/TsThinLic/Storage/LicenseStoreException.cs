namespace TsThinLic.Storage;

/// <summary>A store refused an update or its medium failed. The store is unchanged.</summary>
public sealed class LicenseStoreException : Exception
{
    public LicenseStoreException()
    {
    }

    public LicenseStoreException(string message)
        : base(message)
    {
    }

    public LicenseStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
