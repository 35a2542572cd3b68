using System.Globalization;
using System.Text.Json;
using TsThinLic.Storage.Flash;

namespace TsThinLic.Storage.Profiles;

/// <summary>
/// One device profile from <c>hardware/*.json</c>: what the device is (OS family, CPU architecture, storage medium, with
/// the source of each fact), which store backend it uses and where, the medium's geometry, and the PlatformId it
/// announces ([MS-RDPELE 2.2.2.3.1]). The host picks its store from it; the library never hard-codes a path.
/// </summary>
public sealed class DeviceProfile
{
    private DeviceProfile(string id, string name, string osFamily, string architecture, string medium, FlashGeometry geometry, bool ftl, StoreBackend backend, string? path, long offset, long size, uint platformId)
    {
        Id = id;
        Name = name;
        OsFamily = osFamily;
        Architecture = architecture;
        Medium = medium;
        Geometry = geometry;
        Ftl = ftl;
        Backend = backend;
        Path = path;
        Offset = offset;
        Size = size;
        PlatformId = platformId;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>"windows" or "linux".</summary>
    public string OsFamily { get; }

    public string Architecture { get; }

    /// <summary>The storage medium in words (eMMC, M.2 SATA SSD, microSD, SPI NOR).</summary>
    public string Medium { get; }

    public FlashGeometry Geometry { get; }

    /// <summary>Whether the medium has a flash translation layer (eMMC, SSD, SD): then the file store is used.</summary>
    public bool Ftl { get; }

    public StoreBackend Backend { get; }

    /// <summary>The file (file backend) or device node / partition image (flash backend).</summary>
    public string? Path { get; }

    /// <summary>Flash backend: the store partition's offset on the device.</summary>
    public long Offset { get; }

    /// <summary>Flash backend: the store partition's size.</summary>
    public long Size { get; }

    public uint PlatformId { get; }

    public static DeviceProfile Parse(string json)
        => TryParse(json, out DeviceProfile? profile, out string error) ? profile! : throw new FormatException($"device profile: {error}");

    public static bool TryParse(string json, out DeviceProfile? profile, out string error)
    {
        profile = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
            JsonElement root = document.RootElement;
            string id = Text(root, "id");
            string name = Text(root, "name");
            string osFamily = Text(Object(root, "os"), "family");
            string architecture = Text(Object(root, "cpu"), "architecture");
            JsonElement storage = Object(root, "storage");
            string medium = Text(storage, "medium");
            JsonElement geometry = Object(root, "geometry");
            var flash = new FlashGeometry(Int(geometry, "programUnit"), Int(geometry, "eraseUnit"), checked((byte)Int(geometry, "eraseValue")));
            flash.Validate();
            bool ftl = geometry.TryGetProperty("ftl", out JsonElement ftlElement) && ftlElement.GetBoolean();
            JsonElement store = Object(root, "store");
            StoreBackend backend = Text(store, "backend") switch
            {
                "registry" => StoreBackend.Registry,
                "file" => StoreBackend.File,
                "flash" => StoreBackend.Flash,
                string other => throw new FormatException($"store.backend '{other}' is not registry, file or flash"),
            };
            string? path = store.TryGetProperty("path", out JsonElement pathElement) ? pathElement.GetString() : null;
            long offset = store.TryGetProperty("offset", out JsonElement offsetElement) ? offsetElement.GetInt64() : 0;
            long size = store.TryGetProperty("size", out JsonElement sizeElement) ? sizeElement.GetInt64() : 0;
            if (backend != StoreBackend.Registry && string.IsNullOrEmpty(path))
            {
                throw new FormatException("store.path is required for the file and flash backends");
            }

            string platform = Text(root, "platformId");
            if (!platform.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                || !uint.TryParse(platform.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint platformId))
            {
                throw new FormatException($"platformId '{platform}' is not 0x followed by 8 hex digits");
            }

            profile = new DeviceProfile(id, name, osFamily, architecture, medium, flash, ftl, backend, path, offset, size, platformId);
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            error = exception.Message;
            return false;
        }
    }

    private static JsonElement Object(JsonElement parent, string name)
    {
        JsonElement element = parent.GetProperty(name);
        return element.ValueKind == JsonValueKind.Object ? element : throw new FormatException($"'{name}' is not an object");
    }

    private static string Text(JsonElement parent, string name)
        => parent.GetProperty(name).GetString() is { Length: > 0 } text ? text : throw new FormatException($"'{name}' is empty");

    private static int Int(JsonElement parent, string name) => parent.GetProperty(name).GetInt32();
}
