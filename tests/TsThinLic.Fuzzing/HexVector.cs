namespace TsThinLic.Fuzzing;

/// <summary>One <c>hex</c> entry of a vector file, with what the file says about it.</summary>
/// <param name="File">The vector file's name, without extension.</param>
/// <param name="Name">Its <c>name</c>, or the file and an index.</param>
/// <param name="Kind">Its <c>kind</c> (pdu, crypto), if given.</param>
/// <param name="MessageType">Its <c>msg_type</c>, if given.</param>
/// <param name="SecurityHeader">The TS_SECURITY_HEADER recorded beside a PDU, if given.</param>
/// <param name="Bytes">The bytes.</param>
public sealed record HexVector(string File, string Name, string? Kind, string? MessageType, byte[]? SecurityHeader, byte[] Bytes);
