// A malformed line of a userlist.txt file (the message never contains the secret).
namespace Pooler.Config;

/// <summary>A problem in auth_file; <see cref="Line"/> is 1-based, or 0 when the file could not be read.</summary>
public sealed record AuthFileError(int Line, string Message);
