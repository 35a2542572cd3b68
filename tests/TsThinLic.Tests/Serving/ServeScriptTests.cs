using TsThinLic.Emulator.Serving;
using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Serving;

/// <summary>`serve --script`: plans by name or number, in arrival order, then the default or the list again; a bad script names the entry and field.</summary>
public sealed class ServeScriptTests
{
    [Fact]
    public void PlansAreReadByNameOrNumberAndHandedOutInOrder()
    {
        Assert.True(ServeScript.TryParse("""
            // comments are allowed
            { "connections": [
                { "error": { "at": "license-request", "code": "ERR_NO_LICENSE_SERVER", "transition": "ST_RESET_PHASE_TO_START" } },
                { "error": { "at": 2, "code": 8, "transition": "0x1" }, "comment": "refuse the license" },
                { "logon": false, "errorInfo": 265 } ] }
            """u8, out ServeScript? script, out string problem), problem);

        ServeConnectionPlan first = script.Next();
        Assert.Equal((0, LicensingErrorCode.NoLicenseServer, LicensingStateTransition.ResetPhaseToStart), (first.ErrorStep!.Value, first.ErrorCode, first.ErrorTransition));
        ServeConnectionPlan second = script.Next();
        Assert.Equal((2, LicensingErrorCode.InvalidClient, LicensingStateTransition.TotalAbort), (second.ErrorStep!.Value, second.ErrorCode, second.ErrorTransition));
        ServeConnectionPlan third = script.Next();
        Assert.False(third.Logon);
        Assert.Equal(0x109u, third.ErrorInfo);
        Assert.Equal(3, third.Entry);
        Assert.Same(ServeConnectionPlan.Default, script.Next());
    }

    [Fact]
    public void RepeatStartsTheListOverAndConcurrentConnectionsEachGetOnePlan()
    {
        Assert.True(ServeScript.TryParse("""{ "then": "repeat", "connections": [ { "logon": false }, {} ] }"""u8, out ServeScript? script, out string problem), problem);

        ServeConnectionPlan[] plans = new ServeConnectionPlan[1000];
        Parallel.For(0, plans.Length, i => plans[i] = script.Next());

        Assert.Equal(500, plans.Count(p => !p.Logon));
        Assert.Equal(500, plans.Count(p => p.Logon && p.Entry == 2));
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{}", "\"connections\" is not an array")]
    [InlineData("""{ "format": "other", "connections": [] }""", "\"format\" is not tsthinlic-serve-script/1")]
    [InlineData("""{ "then": "loop", "connections": [] }""", "\"then\"")]
    [InlineData("""{ "connections": [ { "logon": "no" } ] }""", "connections[0]: \"logon\" is not true or false")]
    [InlineData("""{ "connections": [ {}, { "eror": {} } ] }""", "connections[1]: unknown field \"eror\"")]
    [InlineData("""{ "connections": [ { "error": { "at": "grant", "code": 8, "transition": 1 } } ] }""", "\"error.at\"")]
    [InlineData("""{ "connections": [ { "error": { "at": 1, "code": "ERR_BOGUS", "transition": 1 } } ] }""", "\"error.code\"")]
    [InlineData("""{ "connections": [ { "error": { "at": 1, "code": 8 } } ] }""", "needs \"at\", \"code\" and \"transition\"")]
    [InlineData("""{ "connections": [ { "errorInfo": "ERRINFO_NOPE" } ] }""", "\"errorInfo\"")]
    [InlineData("{ \"connections\": [", "not JSON")]
    public void ABadScriptNamesWhatIsWrong(string json, string expected)
    {
        Assert.False(ServeScript.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out string problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
