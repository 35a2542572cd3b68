namespace TsThinLic.Storage;

/// <summary>A persistent store that can say what is on its medium, record by record, for the CLI and support.</summary>
public interface IVerifiableLicenseStore : ILicenseStore
{
    /// <summary>Reads every record and reports each one; never changes the medium.</summary>
    StoreVerification Verify();
}
