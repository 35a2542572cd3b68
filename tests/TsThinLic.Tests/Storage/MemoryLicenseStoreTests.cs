using TsThinLic.Storage;

namespace TsThinLic.Tests.Storage;

public sealed class MemoryLicenseStoreTests : LicenseStoreContractTests
{
    protected override ILicenseStore CreateStore() => new MemoryLicenseStore();
}
