namespace TsThinLic.Fuzzing;

/// <summary>One input for a target's starting corpus: where it came from (a file name for the corpus) and its bytes.</summary>
public sealed record FuzzSeed(string Name, byte[] Bytes);
