// Where a client's (database, user) goes: its pool, the pool mode in force and the server login.
using Pooler.Config;
using Pooler.Servers;

namespace Pooler.Pools;

internal sealed record PoolRoute(Pool Pool, PoolMode Mode, ServerTarget Target);
