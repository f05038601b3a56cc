// What one step of the pass-through scanner found.
namespace Pooler.Protocol;

/// <summary>Result kind of <see cref="MessageScanner.Scan"/>.</summary>
public enum ScanStatus
{
    /// <summary>No progress possible with these bytes; nothing consumed. Advance the pipe with examined = end.</summary>
    NeedMoreData,
    /// <summary>
    /// A pass-through message began: <see cref="ScanResult.Bytes"/> holds its 5-byte header and as much of its body
    /// as is available; forward them. <see cref="ScanResult.EndsMessage"/> tells whether the message is complete.
    /// </summary>
    MessageStart,
    /// <summary>More body bytes of the current pass-through message; forward them.</summary>
    Forward,
    /// <summary>A whole message whose code is in the scanner's whole set; see <see cref="ScanResult.Frame"/>.</summary>
    Frame,
    /// <summary>
    /// A message with a code in the whole set but larger than <see cref="MessageScanner.MaxWholeBodyLength"/>, when
    /// <see cref="MessageScanner.LargeMessageHeadLength"/> is set: <see cref="ScanResult.Bytes"/> holds the 5-byte header
    /// and the first body bytes (up to that head length), enough to read e.g. Bind's portal and statement names and
    /// forward a rewritten header; the rest follows as <see cref="Forward"/> pieces.
    /// </summary>
    LargeMessageStart,
    /// <summary>The bytes break the protocol (see <see cref="ScanResult.Error"/>); the scanner stays in this state.</summary>
    Error,
}
