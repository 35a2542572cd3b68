namespace TsThinLic.Host;

internal static class Program
{
    public static Task<int> Main(string[] args) => HostApp.RunAsync(args, Console.In, Console.Out, Console.Error);
}
