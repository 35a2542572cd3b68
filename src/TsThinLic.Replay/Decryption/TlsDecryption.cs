namespace TsThinLic.Replay.Decryption;

/// <summary>What decrypting one captured TLS connection gave: the protocol, every record, the application data and the notes.</summary>
internal sealed class TlsDecryption
{
    /// <summary>
    /// Notes a connection's records may repeat (a bad record version, an alert, a record in clear) stop here: a
    /// hostile capture of many tiny records must not turn into as many lines of text (and their allocation).
    /// </summary>
    public const int MaxRepeatedNotes = 32;

    /// <summary>"TLS 1.2" or "TLS 1.3", when the ServerHello said.</summary>
    public string? Version { get; set; }

    /// <summary>The negotiated suite's name (or its number when unknown).</summary>
    public string? CipherSuite { get; set; }

    /// <summary>ClientHello.random, when the capture holds it.</summary>
    public byte[]? ClientRandom { get; set; }

    /// <summary>The key log had this connection's secrets.</summary>
    public bool SecretsFound { get; set; }

    /// <summary>Every record of both directions, each in its direction's order.</summary>
    public List<TlsCapturedRecord> Records { get; } = [];

    /// <summary>The client's application data, record by record (the record's end offset with its content), up to the first record that could not be decrypted.</summary>
    public List<(int End, byte[] Data)> ClientApplicationData { get; } = [];

    /// <summary>The server's application data, like <see cref="ClientApplicationData"/>.</summary>
    public List<(int End, byte[] Data)> ServerApplicationData { get; } = [];

    /// <summary>Problems and facts worth telling, each naming the record.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Repeating notes left out past <see cref="MaxRepeatedNotes"/>.</summary>
    public int NotesLeftOut { get; private set; }

    /// <summary>Finished messages checked against the handshake transcript (0, 1 or 2).</summary>
    public int FinishedVerified { get; set; }

    /// <summary>Records decrypted and authenticated.</summary>
    public int RecordsDecrypted { get; set; }

    /// <summary>Encrypted records that could not be decrypted (no secret, failed authentication, after a failure).</summary>
    public int RecordsNotDecrypted { get; set; }

    /// <summary>Whether a note that records may repeat still fits; when not, it is counted instead (call before formatting it).</summary>
    public bool RoomForRepeatedNote()
    {
        if (Notes.Count < MaxRepeatedNotes)
        {
            return true;
        }

        NotesLeftOut++;
        return false;
    }

    /// <summary>Whether any application data was recovered.</summary>
    public bool HasApplicationData => ClientApplicationData.Count + ServerApplicationData.Count > 0;

    /// <summary>One line for a report: version, suite, records decrypted, Finished verified.</summary>
    public string Summary => SecretsFound
        ? $"{Version} {CipherSuite}: {RecordsDecrypted} record(s) decrypted and authenticated{(RecordsNotDecrypted > 0 ? $", {RecordsNotDecrypted} not" : string.Empty)}; {FinishedVerified} of 2 Finished messages verified"
        : $"{Version ?? "TLS"} {CipherSuite}: no secret for this connection";
}
