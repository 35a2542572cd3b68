using SharpFuzz;
using TsThinLic.Fuzzing;

// Modes:
//   TARGET                        the libFuzzer loop (started by libfuzzer-dotnet --target_path=... --target_arg=TARGET)
//   --list                        every target with its -max_len and what it covers
//   --seeds TARGET DIR            writes the target's seed corpus (from fixtures/ and ../shared) into DIR
//   --replay TARGET FILE...       runs files through the target without libFuzzer (a crash reproduces here)
//   --measure TARGET              runs the seeds twice and prints the largest allocation per input byte of each decoder
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: TsThinLic.Fuzzing.Runner TARGET | --list | --seeds TARGET DIR | --replay TARGET FILE...");
    return 2;
}

switch (args[0])
{
    case "--list":
        foreach (FuzzTarget target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name}\t{target.MaxInputLength}\t{target.Covers}");
        }

        return 0;

    case "--seeds" when args.Length == 3:
        {
            FuzzTarget target = FuzzTargets.Get(args[1]);
            Directory.CreateDirectory(args[2]);
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (FuzzSeed seed in target.Seeds(SeedSources.Locate(Environment.CurrentDirectory)))
            {
                if (seed.Bytes.Length > target.MaxInputLength)
                {
                    continue;
                }

                // Named by content, so the same seed from two sources is written once.
                string name = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(seed.Bytes));
                if (written.Add(name))
                {
                    File.WriteAllBytes(Path.Combine(args[2], name), seed.Bytes);
                }
            }

            Console.WriteLine($"{target.Name}: {written.Count} seeds in {args[2]}");
            return written.Count > 0 ? 0 : 1;
        }

    case "--measure" when args.Length == 2:
        {
            FuzzTarget target = FuzzTargets.Get(args[1]);
            var worst = new Dictionary<string, (long Allocated, int Length, long Budget)>();
            FuzzTarget.AllocationObserver = (what, allocated, length, budget) =>
            {
                if (!worst.TryGetValue(what, out var previous) || (double)allocated / Math.Max(length, 1) > (double)previous.Allocated / Math.Max(previous.Length, 1))
                {
                    worst[what] = (allocated, length, budget);
                }
            };
            FuzzSeed[] seeds = [.. target.Seeds(SeedSources.Locate(Environment.CurrentDirectory))];
            foreach (FuzzSeed seed in seeds.Concat(seeds))
            {
                try
                {
                    target.Execute(seed.Bytes);
                }
                catch (FuzzInvariantException e)
                {
                    Console.WriteLine($"{seed.Name}: {e.Message}");
                }
            }

            foreach ((string what, (long allocated, int length, long budget)) in worst)
            {
                Console.WriteLine($"{what}: {allocated} bytes for {length} input bytes ({(double)allocated / Math.Max(length, 1):F1}/byte), budget {budget}");
            }

            return 0;
        }

    case "--replay" when args.Length >= 3:
        {
            FuzzTarget target = FuzzTargets.Get(args[1]);
            foreach (string file in args[2..])
            {
                target.Execute(File.ReadAllBytes(file));
                Console.WriteLine($"{target.Name}: {file} passes");
            }

            return 0;
        }

    default:
        {
            FuzzTarget target = FuzzTargets.Get(args[0]);
            Fuzzer.LibFuzzer.Run(input => target.Execute(input));
            return 0;
        }
}
