using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;

namespace TsThinLic.Storage;

/// <summary>What kind of file a backup or export is.</summary>
public enum LicenseStoreImageFormat
{
    /// <summary>The portable JSON of <see cref="LicenseStoreJson"/>.</summary>
    Json,

    /// <summary>A regedit 5.00 export of HKLM\SOFTWARE\Microsoft\MSLicensing.</summary>
    Reg,

    /// <summary>A file store's file, byte for byte.</summary>
    FileStore,

    /// <summary>A flash store's partition (both slots), byte for byte.</summary>
    FlashPartition,
}

/// <summary>
/// Reads any file a backup, <c>export</c> or a field engineer may hand <c>import</c>: the portable JSON, a .reg of
/// MSLicensing, a file store's file, or a flash partition image. The kind is told from the bytes, not the name.
/// </summary>
public static class LicenseStoreImage
{
    /// <summary>Largest image read: the largest flash partition a device profile gives, with room to spare.</summary>
    public const int MaxLength = 16 << 20;

    public static bool TryRead(ReadOnlySpan<byte> image, FlashGeometry flashGeometry, out LicenseStoreImageFormat format, out LicenseStoreContents contents, out string error)
    {
        ArgumentNullException.ThrowIfNull(flashGeometry);
        format = LicenseStoreImageFormat.Json;
        contents = LicenseStoreContents.Empty;
        if (image.Length == 0 || image.Length > MaxLength)
        {
            error = $"{image.Length} bytes: an image is 1 to {MaxLength} bytes";
            return false;
        }

        if (LooksLikeReg(image))
        {
            format = LicenseStoreImageFormat.Reg;
            return TryReadReg(image, out contents, out error);
        }

        if (LooksLikeJson(image))
        {
            format = LicenseStoreImageFormat.Json;
            return LicenseStoreJson.TryRead(image, out contents, out error);
        }

        // A flash partition whose slot A is valid starts like a store file; the file is exactly one envelope long.
        if (FileLicenseStore.TryReadImage(image, out contents, out string fileError))
        {
            format = LicenseStoreImageFormat.FileStore;
            error = string.Empty;
            return true;
        }

        if (FlashLicenseStore.TryReadImage(image, flashGeometry, out contents, out string flashError))
        {
            format = LicenseStoreImageFormat.FlashPartition;
            error = string.Empty;
            return true;
        }

        format = LicenseStoreImageFormat.FileStore;
        error = $"not a JSON export, a .reg, a store file ({fileError}) or a {flashGeometry} flash partition ({flashError})";
        return false;
    }

    /// <summary>Reads the MSLicensing key of a .reg file as the registry store would.</summary>
    public static bool TryReadReg(ReadOnlySpan<byte> image, out LicenseStoreContents contents, out string error)
    {
        contents = LicenseStoreContents.Empty;
        if (!RegFile.TryRead(RegFile.Decode(image), out MemoryRegistry hive, out error))
        {
            return false;
        }

        if (!hive.KeyExists(RegistryLicenseStore.RootKey))
        {
            error = $"the .reg holds no [HKEY_LOCAL_MACHINE\\{RegistryLicenseStore.RootKey}]";
            return false;
        }

        contents = new RegistryLicenseStore(hive).ReadContents();
        return true;
    }

    private static bool LooksLikeReg(ReadOnlySpan<byte> image)
        => (image.Length >= 2 && image[0] == 0xFF && image[1] == 0xFE) || SkipBom(image).StartsWith("Windows Registry Editor"u8);

    private static bool LooksLikeJson(ReadOnlySpan<byte> image)
    {
        ReadOnlySpan<byte> text = SkipBom(image);
        int first = text.IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && text[first] == (byte)'{';
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> image) => image.Length >= 3 && image[0] == 0xEF && image[1] == 0xBB && image[2] == 0xBF ? image[3..] : image;
}
