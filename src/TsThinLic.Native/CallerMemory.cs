using System.Runtime.CompilerServices;
using System.Text;
using TsThinLic.Diagnostics;

namespace TsThinLic.Native;

/// <summary>
/// What crosses the boundary in memory the caller owns: NUL-terminated UTF-8 strings and versioned structs read in,
/// text and bytes written into the caller's (buffer, capacity, length) as the header's conventions say. Every read is
/// bounded before the first byte is touched; nothing keeps a caller's pointer past the call.
/// </summary>
internal static unsafe class CallerMemory
{
    /// <summary>The longest string read from the caller (tsthinlic.h: at most 4096 bytes).</summary>
    public const int MaxStringLength = 4096;

    /// <summary>A struct_size above this is garbage, not a newer caller.</summary>
    private const uint MaxStructSize = 4096;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a NUL-terminated UTF-8 string; null for a NULL pointer.</summary>
    public static string? ReadString(byte* text, string parameter)
    {
        if (text is null)
        {
            return null;
        }

        // Byte by byte: a wider read could run past the caller's terminator into memory it does not own.
        int length = 0;
        while (text[length] != 0)
        {
            if (++length > MaxStringLength)
            {
                throw new NativeException(NativeStatus.InvalidArgument, $"{parameter} is not NUL-terminated within {MaxStringLength} bytes");
            }
        }

        try
        {
            return s_strictUtf8.GetString(text, length);
        }
        catch (DecoderFallbackException exception)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"{parameter} is not UTF-8 (byte {exception.Index})");
        }
    }

    /// <summary>Reads (pointer, length) bytes, at most <paramref name="maxLength"/>; empty for NULL with length 0.</summary>
    public static byte[] ReadBytes(byte* data, nuint length, int maxLength, string parameter)
    {
        if (length == 0)
        {
            return [];
        }

        if (data is null)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"{parameter} is NULL with a length of {length}");
        }

        if (length > (nuint)maxLength)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"{parameter} is {length} bytes, at most {maxLength}");
        }

        return new ReadOnlySpan<byte>(data, (int)length).ToArray();
    }

    /// <summary>
    /// Reads a struct whose first field is struct_size: at least the size this library knows, a newer caller's larger
    /// one read up to what this library knows. Null for a NULL pointer (the defaults).
    /// </summary>
    public static T? ReadStruct<T>(void* source, string parameter)
        where T : unmanaged
    {
        if (source is null)
        {
            return null;
        }

        uint size = *(uint*)source;
        uint known = (uint)sizeof(T);
        if (size < known || size > MaxStructSize)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"{parameter}->struct_size is {size}; this library needs sizeof = {known}");
        }

        T value = default;
        Unsafe.CopyBlockUnaligned(&value, source, known);
        return value;
    }

    /// <summary>Writes a struct the caller sized with struct_size (at least what this library knows).</summary>
    public static void WriteStruct<T>(void* destination, T value, string parameter)
        where T : unmanaged
    {
        if (destination is null)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"{parameter} is NULL");
        }

        uint size = *(uint*)destination;
        uint known = (uint)sizeof(T);
        if (size < known || size > MaxStructSize)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"{parameter}->struct_size is {size}; this library needs sizeof = {known}");
        }

        *(uint*)&value = size;
        Unsafe.CopyBlockUnaligned(destination, &value, known);
    }

    /// <summary>Writes text (escaped, UTF-8, NUL-terminated) by the header's buffer rules; returns the status.</summary>
    public static int WriteText(string text, byte* buffer, nuint capacity, nuint* length)
    {
        string safe = Escape(text);
        int needed = Encoding.UTF8.GetByteCount(safe) + 1;
        int status = Check(buffer, capacity, length, needed);
        if (status == NativeStatus.Ok && buffer is not null)
        {
            var destination = new Span<byte>(buffer, needed);
            int written = Encoding.UTF8.GetBytes(safe, destination);
            destination[written] = 0;
        }
        else if (status == NativeStatus.BufferTooSmall && capacity > 0)
        {
            buffer[0] = 0;
        }

        return status;
    }

    /// <summary>Writes bytes by the header's buffer rules; returns the status.</summary>
    public static int WriteBytes(ReadOnlySpan<byte> bytes, byte* buffer, nuint capacity, nuint* length)
    {
        int status = Check(buffer, capacity, length, bytes.Length);
        if (status == NativeStatus.Ok && buffer is not null && bytes.Length > 0)
        {
            bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
        }

        return status;
    }

    /// <summary>
    /// Writes text into a plain (buffer, capacity) that has no length: truncated to fit, always NUL-terminated
    /// (tsthinlic_store_open's error). Never throws.
    /// </summary>
    public static void WriteTruncated(string text, byte* buffer, nuint capacity)
    {
        if (buffer is null || capacity == 0)
        {
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(Escape(text));
        int count = (int)Math.Min((ulong)bytes.Length, capacity - 1);
        // Never cut a UTF-8 sequence in two: back up to the start of the character that does not fit.
        while (count > 0 && count < bytes.Length && (bytes[count] & 0xC0) == 0x80)
        {
            count--;
        }

        bytes.AsSpan(0, count).CopyTo(new Span<byte>(buffer, count));
        buffer[count] = 0;
    }

    /// <summary>
    /// Text that is safe on a terminal, lines kept (<see cref="TerminalText.EscapeKeepingLines"/>, the core's one
    /// escaper): a server's or a file's bytes quoted in a message cannot move the cursor, change colours or reorder it.
    /// </summary>
    public static string Escape(string text) => TerminalText.EscapeKeepingLines(text);

    private static int Check(byte* buffer, nuint capacity, nuint* length, int needed)
    {
        if (length is null)
        {
            throw new NativeException(NativeStatus.InvalidArgument, "length is NULL");
        }

        if (buffer is null && capacity != 0)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"buffer is NULL with a capacity of {capacity}");
        }

        *length = (nuint)needed;
        if (buffer is null)
        {
            // A size query.
            return NativeStatus.Ok;
        }

        return capacity < (nuint)needed ? NativeStatus.BufferTooSmall : NativeStatus.Ok;
    }
}
