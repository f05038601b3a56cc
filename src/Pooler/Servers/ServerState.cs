// Where a server connection is in its life; the read loop decides what to do with bytes by this.
namespace Pooler.Servers;

internal enum ServerState
{
    /// <summary>Connecting and logging in.</summary>
    Login,

    /// <summary>In the pool's idle list: any message except ParameterStatus/Notice is unexpected.</summary>
    Idle,

    /// <summary>Linked to a client: responses are forwarded to it.</summary>
    Linked,

    /// <summary>Unlinked but finishing internal work (ROLLBACK, server_reset_query) before going back to the pool.</summary>
    Cleaning,

    /// <summary>Taken from the idle list and running server_check_query before a client gets it.</summary>
    Checking,

    Closed,
}
