// One word of a pg_hba.conf line, remembering whether it was quoted (a quoted keyword is just a name).
namespace Pooler.Auth;

internal readonly record struct HbaToken(string Text, bool Quoted)
{
    public bool IsKeyword(string keyword) => !Quoted && Text == keyword;
}
