using TsThinLic.Diagnostics;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.5.1.1] Every errorInfo code of the Set Error Info PDU the spec lists, by name, with what it means;
/// for the licensing codes (0x100-0x10A) also the RD Session Host events that go with them and the fix a field
/// engineer should try. Meanings are the spec's, in our words.
/// </summary>
public static class ErrorInfoCatalog
{
    private static readonly Dictionary<uint, ErrorInfoDescription> s_codes = Build();

    /// <summary>The codes the spec lists, in ascending order.</summary>
    public static IReadOnlyList<uint> Codes { get; } = [.. s_codes.Keys.Order()];

    /// <summary>The description of <paramref name="code"/>; an unlisted code keeps its hex value as its name.</summary>
    public static ErrorInfoDescription Describe(uint code)
        => s_codes.TryGetValue(code, out ErrorInfoDescription? description)
            ? description
            : new ErrorInfoDescription(code, $"0x{code:x8}", code is >= 0x100 and <= 0x1FF ? "a licensing error code the spec does not list" : "a code the spec does not list", [], null);

    private static Dictionary<uint, ErrorInfoDescription> Build()
    {
        var codes = new Dictionary<uint, ErrorInfoDescription>();
        void Add(uint code, string name, string meaning, int[]? events = null, string? fix = null)
            => codes.Add(code, new ErrorInfoDescription(code, name, meaning, events ?? [], fix));
        Add(0x0000, "ERRINFO_NONE", "no error (the spec says to ignore it)");
        Add(0x0001, "ERRINFO_RPC_INITIATED_DISCONNECT", "an administrative tool on the server, in another session, disconnected the session");
        Add(0x0002, "ERRINFO_RPC_INITIATED_LOGOFF", "an administrative tool on the server, in another session, forced a logoff");
        Add(0x0003, "ERRINFO_IDLE_TIMEOUT", "the server's idle session limit elapsed");
        Add(0x0004, "ERRINFO_LOGON_TIMEOUT", "the server's active session limit elapsed");
        Add(0x0005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION", "another user connected to the server and took over the session");
        Add(0x0006, "ERRINFO_OUT_OF_MEMORY", "the server ran out of memory");
        Add(0x0007, "ERRINFO_SERVER_DENIED_CONNECTION", "the server denied the connection");
        Add(0x0009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES", "the user may not connect to this server (insufficient access privileges)");
        Add(0x000A, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED", "the server does not accept saved credentials: it wants them typed");
        Add(0x000B, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER", "the user disconnected the session with an administrative tool on the server, in another session");
        Add(0x000C, "ERRINFO_LOGOFF_BY_USER", "the user logged off, ending the connection");
        Add(0x000F, "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY", "the display driver in the remote session did not report ready in time");
        Add(0x0010, "ERRINFO_SERVER_DWM_CRASH", "the Desktop Window Manager in the remote session crashed");
        Add(0x0011, "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE", "the display driver in the remote session failed to start");
        Add(0x0012, "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE", "the display driver in the remote session started but did not respond");
        Add(0x0017, "ERRINFO_SERVER_WINLOGON_CRASH", "Winlogon crashed in the remote session");
        Add(0x0018, "ERRINFO_SERVER_CSRSS_CRASH", "CSRSS crashed in the remote session");
        Add(0x0019, "ERRINFO_SERVER_SHUTDOWN", "the server is shutting down");
        Add(0x001A, "ERRINFO_SERVER_REBOOT", "the server is rebooting");
        Add(0x0100, "ERRINFO_LICENSE_INTERNAL", "an internal error in the server's licensing component", [ServerEvents.CannotIssueLicense], "look at the RD Session Host's licensing configuration and its System log; retry; nothing on the device is known to be wrong");
        Add(0x0101, "ERRINFO_LICENSE_NO_LICENSE_SERVER", "the server found no license server to issue a license", [ServerEvents.UnableToAcquireLicense, ServerEvents.CannotIssueLicense], "configure the RD Session Host's license server (licensing mode and server name, or the domain's published license server) and check it is reachable from the session host; nothing on the device to change");
        Add(0x0102, "ERRINFO_LICENSE_NO_LICENSE", "no Client Access License is available for this client", [ServerEvents.UnableToAcquireLicense, ServerEvents.CannotIssueLicense], "install more RDS Per Device CALs on the license server, or wait for one to return to the pool (a permanent CAL not renewed for 52-89 days); nothing on the device to change");
        Add(0x0103, "ERRINFO_LICENSE_BAD_CLIENT_MSG", "the server received an invalid licensing message from the client", [ServerEvents.CannotIssueLicense], "the device's licensing PDU was rejected: record it (probe --record-secrets) and replay it (tsthinlic replay) to find the field, and report it");
        Add(0x0104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE", "the CAL the client presented was modified: it does not match the client's HWID", [ServerEvents.InvalidLicense, ServerEvents.CannotIssueLicense], "the stored CAL belongs to another HWID (a cloned image or a store restored from another device): wipe the CALs (tsthinlic wipe --cals-only), or give a clone its own HWID (tsthinlic hwid --regenerate), and connect again");
        Add(0x0105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE", "the CAL the client presented is in an invalid format", [ServerEvents.InvalidLicense], "the stored CAL is corrupt: wipe the CALs (tsthinlic wipe --cals-only) and connect again for a fresh one");
        Add(0x0106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL", "network problems cut the licensing exchange short", [ServerEvents.CannotIssueLicense], "check the network path between the device and the session host (MTU, proxies, firewalls that cut long packets) and retry");
        Add(0x0107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL", "the client ended the licensing exchange early", [ServerEvents.CannotIssueLicense], "the device ended licensing early: see the probe's licensing failure for why, and retry");
        Add(0x0108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION", "a licensing message from the client was wrongly encrypted", [ServerEvents.CannotIssueLicense], "a licensing PDU was encrypted wrongly (keys or MAC): record the exchange (probe --record-secrets), replay it, and report it");
        Add(0x0109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE", "the client's CAL could not be upgraded or renewed", [ServerEvents.TemporaryLicenseExpired, ServerEvents.PermanentLicenseNotRenewed], "the license server could not upgrade or renew this device's CAL: check that the session host reaches the license server and that it has permanent CALs left; a wipe of the CALs (tsthinlic wipe --cals-only) gets a fresh temporary CAL meanwhile");
        Add(0x010A, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS", "the server is not licensed to accept remote connections", [], "the session host is not licensed for remote connections (RDS grace period over, no licensing configured): configure RD Licensing on the server");
        Add(0x0400, "ERRINFO_CB_DESTINATION_NOT_FOUND", "the Connection Broker found no destination for the session (no longer exists, or not available)");
        Add(0x0402, "ERRINFO_CB_LOADING_DESTINATION", "the destination is being removed from the Connection Broker's pool");
        Add(0x0404, "ERRINFO_CB_REDIRECTING_TO_DESTINATION", "the Connection Broker failed to redirect the client to the destination");
        Add(0x0405, "ERRINFO_CB_SESSION_ONLINE_VM_WAKE", "the virtual machine destination failed to wake");
        Add(0x0406, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT", "the virtual machine destination failed to boot");
        Add(0x0407, "ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS", "the virtual machine destination has no DNS name registered");
        Add(0x0408, "ERRINFO_CB_DESTINATION_POOL_NOT_FREE", "no destination is free in the pool the Connection Broker serves");
        Add(0x0409, "ERRINFO_CB_CONNECTION_CANCELLED", "the connection was cancelled");
        Add(0x0410, "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS", "the client's settings for the Connection Broker are invalid (routing token)");
        Add(0x0411, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT", "the virtual machine destination took too long to boot");
        Add(0x0412, "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED", "the session monitoring on the virtual machine destination failed");
        Add(0x10C9, "ERRINFO_UNKNOWNPDUTYPE2", "the server got a Share Data PDU of an unknown pduType2");
        Add(0x10CA, "ERRINFO_UNKNOWNPDUTYPE", "the server got a Share Control PDU of an unknown pduType");
        Add(0x10CB, "ERRINFO_DATAPDUSEQUENCE", "the server got a Share Data PDU out of sequence");
        Add(0x10CD, "ERRINFO_CONTROLPDUSEQUENCE", "the server got a Control PDU out of sequence");
        Add(0x10CE, "ERRINFO_INVALIDCONTROLPDUACTION", "the server got a Control PDU with an invalid action");
        Add(0x10CF, "ERRINFO_INVALIDINPUTPDUTYPE", "the server got an input event of an invalid type");
        Add(0x10D0, "ERRINFO_INVALIDINPUTPDUMOUSE", "the server got a mouse event with invalid flags");
        Add(0x10D1, "ERRINFO_INVALIDREFRESHRECTPDU", "the server got an invalid Refresh Rect PDU");
        Add(0x10D2, "ERRINFO_CREATEUSERDATAFAILED", "the server could not create the GCC user data of its answer");
        Add(0x10D3, "ERRINFO_CONNECTFAILED", "the connection failed on the server's side after the Basic Settings Exchange");
        Add(0x10D4, "ERRINFO_CONFIRMACTIVEWRONGSHAREID", "the Confirm Active PDU carried the wrong shareId");
        Add(0x10D5, "ERRINFO_CONFIRMACTIVEWRONGORIGINATOR", "the Confirm Active PDU carried the wrong originatorId");
        Add(0x10DA, "ERRINFO_PERSISTENTKEYPDUBADLENGTH", "a Persistent Key List PDU had the wrong length");
        Add(0x10DB, "ERRINFO_PERSISTENTKEYPDUILLEGALFIRST", "a Persistent Key List PDU marked first came out of order");
        Add(0x10DC, "ERRINFO_PERSISTENTKEYPDUTOOMANYTOTALKEYS", "the Persistent Key List PDUs announced too many keys in total");
        Add(0x10DD, "ERRINFO_PERSISTENTKEYPDUTOOMANYCACHEKEYS", "the Persistent Key List PDUs announced too many keys for a cache");
        Add(0x10DE, "ERRINFO_INPUTPDUBADLENGTH", "an Input Event PDU had the wrong length");
        Add(0x10DF, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH", "a Bitmap Cache Error PDU had the wrong length");
        Add(0x10E0, "ERRINFO_SECURITYDATATOOSHORT", "a PDU's security data was too short");
        Add(0x10E1, "ERRINFO_VCHANNELDATATOOSHORT", "a virtual channel PDU was too short");
        Add(0x10E2, "ERRINFO_SHAREDATATOOSHORT", "a Share Data PDU was too short");
        Add(0x10E3, "ERRINFO_BADSUPRESSOUTPUTPDU", "a Suppress Output PDU was invalid");
        Add(0x10E5, "ERRINFO_CONFIRMACTIVEPDUTOOSHORT", "a Confirm Active PDU was too short");
        Add(0x10E7, "ERRINFO_CAPABILITYSETTOOSMALL", "a capability set was too small");
        Add(0x10E8, "ERRINFO_CAPABILITYSETTOOLARGE", "a capability set was too large");
        Add(0x10E9, "ERRINFO_NOCURSORCACHE", "the client announced neither a cursor cache nor a large pointer");
        Add(0x10EA, "ERRINFO_BADCAPABILITIES", "the client's capabilities were not accepted");
        Add(0x10EC, "ERRINFO_VIRTUALCHANNELDECOMPRESSIONERR", "a virtual channel PDU failed to decompress");
        Add(0x10ED, "ERRINFO_INVALIDVCCOMPRESSIONTYPE", "a virtual channel PDU used an invalid compression type");
        Add(0x10EF, "ERRINFO_INVALIDCHANNELID", "a virtual channel PDU named an invalid channel");
        Add(0x10F0, "ERRINFO_VCHANNELSTOOMANY", "the client asked for more static channels than allowed");
        Add(0x10F3, "ERRINFO_REMOTEAPPSNOTENABLED", "RemoteApp was asked for but is not enabled on the server");
        Add(0x10F4, "ERRINFO_CACHECAPNOTSET", "the client sent no cache capability set");
        Add(0x10F5, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH2", "a Bitmap Cache Error PDU had the wrong length");
        Add(0x10F6, "ERRINFO_OFFSCRCACHEERRORPDUBADLENGTH", "an Offscreen Bitmap Cache Error PDU had the wrong length");
        Add(0x10F7, "ERRINFO_DNGCACHEERRORPDUBADLENGTH", "a DrawNineGrid Cache Error PDU had the wrong length");
        Add(0x10F8, "ERRINFO_GDIPLUSPDUBADLENGTH", "a GDI+ Error PDU had the wrong length");
        Add(0x1111, "ERRINFO_SECURITYDATATOOSHORT2", "a PDU's security data was too short (check 2)");
        Add(0x1112, "ERRINFO_SECURITYDATATOOSHORT3", "a PDU's security data was too short (check 3)");
        Add(0x1113, "ERRINFO_SECURITYDATATOOSHORT4", "a PDU's security data was too short (check 4)");
        Add(0x1114, "ERRINFO_SECURITYDATATOOSHORT5", "a PDU's security data was too short (check 5)");
        Add(0x1115, "ERRINFO_SECURITYDATATOOSHORT6", "a PDU's security data was too short (check 6)");
        Add(0x1116, "ERRINFO_SECURITYDATATOOSHORT7", "a PDU's security data was too short (check 7)");
        Add(0x1117, "ERRINFO_SECURITYDATATOOSHORT8", "a PDU's security data was too short (check 8)");
        Add(0x1118, "ERRINFO_SECURITYDATATOOSHORT9", "a PDU's security data was too short (check 9)");
        Add(0x1119, "ERRINFO_SECURITYDATATOOSHORT10", "a PDU's security data was too short (check 10)");
        Add(0x111A, "ERRINFO_SECURITYDATATOOSHORT11", "a PDU's security data was too short (check 11)");
        Add(0x111B, "ERRINFO_SECURITYDATATOOSHORT12", "a PDU's security data was too short (check 12)");
        Add(0x111C, "ERRINFO_SECURITYDATATOOSHORT13", "a PDU's security data was too short (check 13)");
        Add(0x111D, "ERRINFO_SECURITYDATATOOSHORT14", "a PDU's security data was too short (check 14)");
        Add(0x111E, "ERRINFO_SECURITYDATATOOSHORT15", "a PDU's security data was too short (check 15)");
        Add(0x111F, "ERRINFO_SECURITYDATATOOSHORT16", "a PDU's security data was too short (check 16)");
        Add(0x1120, "ERRINFO_SECURITYDATATOOSHORT17", "a PDU's security data was too short (check 17)");
        Add(0x1121, "ERRINFO_SECURITYDATATOOSHORT18", "a PDU's security data was too short (check 18)");
        Add(0x1122, "ERRINFO_SECURITYDATATOOSHORT19", "a PDU's security data was too short (check 19)");
        Add(0x1123, "ERRINFO_SECURITYDATATOOSHORT20", "a PDU's security data was too short (check 20)");
        Add(0x1124, "ERRINFO_SECURITYDATATOOSHORT21", "a PDU's security data was too short (check 21)");
        Add(0x1125, "ERRINFO_SECURITYDATATOOSHORT22", "a PDU's security data was too short (check 22)");
        Add(0x1126, "ERRINFO_SECURITYDATATOOSHORT23", "a PDU's security data was too short (check 23)");
        Add(0x1129, "ERRINFO_BADMONITORDATA", "the client's monitor data was invalid");
        Add(0x112A, "ERRINFO_VCDECOMPRESSEDREASSEMBLEFAILED", "a decompressed virtual channel PDU could not be reassembled");
        Add(0x112B, "ERRINFO_VCDATATOOLONG", "a virtual channel PDU was too long");
        Add(0x112C, "ERRINFO_BAD_FRAME_ACK_DATA", "a Frame Acknowledge PDU was invalid");
        Add(0x112D, "ERRINFO_GRAPHICSMODENOTSUPPORTED", "the graphics mode the client asked for is not supported");
        Add(0x112E, "ERRINFO_GRAPHICSSUBSYSTEMRESETFAILED", "the server's graphics subsystem failed to reset");
        Add(0x112F, "ERRINFO_GRAPHICSSUBSYSTEMFAILED", "the server's graphics subsystem failed");
        Add(0x1130, "ERRINFO_TIMEZONEKEYNAMELENGTHTOOSHORT", "the time zone key name was too short");
        Add(0x1131, "ERRINFO_TIMEZONEKEYNAMELENGTHTOOLONG", "the time zone key name was too long");
        Add(0x1132, "ERRINFO_DYNAMICDSTDISABLEDFIELDMISSING", "the dynamicDaylightTimeDisabled field was missing");
        Add(0x1133, "ERRINFO_VCDECODINGERROR", "a virtual channel PDU failed to decode");
        Add(0x1134, "ERRINFO_VIRTUALDESKTOPTOOLARGE", "the virtual desktop the client asked for is too large");
        Add(0x1135, "ERRINFO_MONITORGEOMETRYVALIDATIONFAILED", "the client's monitor layout failed validation");
        Add(0x1136, "ERRINFO_INVALIDMONITORCOUNT", "the client announced an invalid number of monitors");
        Add(0x1191, "ERRINFO_UPDATESESSIONKEYFAILED", "the server could not update the session keys (Standard RDP Security)");
        Add(0x1192, "ERRINFO_DECRYPTFAILED", "the server could not decrypt a client PDU (or its MAC failed)");
        Add(0x1193, "ERRINFO_ENCRYPTFAILED", "the server could not encrypt a PDU");
        Add(0x1194, "ERRINFO_ENCPKGMISMATCH", "the client and server encryption methods do not match");
        Add(0x1195, "ERRINFO_DECRYPTFAILED2", "the server could not decrypt a client PDU (unencrypted data where encryption was negotiated)");
        return codes;
    }
}
