namespace TsThinLic.Storage.Registry;

/// <summary>Registry value types (winnt.h REG_*), with the numbers .reg files use in <c>hex(n):</c>.</summary>
public enum RegistryValueType
{
    None = 0,
    String = 1,
    ExpandString = 2,
    Binary = 3,
    DWord = 4,
    MultiString = 7,
    QWord = 11,
}
