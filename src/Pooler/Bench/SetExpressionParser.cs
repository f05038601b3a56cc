// Recursive-descent parser for `\set` expressions: precedence unary minus > * / % > + -, left associative.
using System.Globalization;

namespace Pooler.Bench;

/// <summary>Turns the text after <c>\set name</c> into a <see cref="SetExpression"/>, or an error message.</summary>
public sealed class SetExpressionParser
{
    /// <summary>Functions and how many arguments each takes (min, max).</summary>
    private static readonly Dictionary<string, (int Min, int Max)> Functions = new()
    {
        ["random"] = (2, 2), ["abs"] = (1, 1), ["least"] = (1, int.MaxValue), ["greatest"] = (1, int.MaxValue),
    };

    private readonly string _text;
    private int _pos;
    private string? _error;

    private SetExpressionParser(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>; on failure returns null and a message naming what was wrong.</summary>
    public static (SetExpression? Expression, string? Error) Parse(string text)
    {
        var parser = new SetExpressionParser(text);
        var expr = parser.ParseSum();
        parser.SkipSpace();
        if (expr is not null && parser._pos < text.Length)
            return (null, $"unexpected '{text[parser._pos..]}' in expression");
        return expr is null ? (null, parser._error ?? "invalid expression") : (expr, null);
    }

    private SetExpression? ParseSum()
    {
        var left = ParseProduct();
        while (left is not null && Peek() is '+' or '-')
        {
            var op = _text[_pos++];
            var right = ParseProduct();
            left = right is null ? null : new SetExpression.Binary(op, left, right);
        }
        return left;
    }

    private SetExpression? ParseProduct()
    {
        var left = ParseUnary();
        while (left is not null && Peek() is '*' or '/' or '%')
        {
            var op = _text[_pos++];
            var right = ParseUnary();
            left = right is null ? null : new SetExpression.Binary(op, left, right);
        }
        return left;
    }

    private SetExpression? ParseUnary()
    {
        switch (Peek())
        {
            case '-':
                _pos++;
                var operand = ParseUnary();
                return operand is null ? null : new SetExpression.Binary('-', new SetExpression.Constant(0), operand);
            case '+':
                _pos++;
                return ParseUnary();
            default:
                return ParsePrimary();
        }
    }

    private SetExpression? ParsePrimary()
    {
        var c = Peek();
        if (c is null)
            return Fail("expression ends too early");
        if (c == '(')
        {
            _pos++;
            var inner = ParseSum();
            if (inner is null) return null;
            if (Peek() != ')') return Fail("missing ')'");
            _pos++;
            return inner;
        }
        if (char.IsAsciiDigit(c.Value))
        {
            var start = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
            if (_pos < _text.Length && _text[_pos] is '.' or 'e' or 'E')
                return Fail("only integers are supported");
            return long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? new SetExpression.Constant(n) : Fail($"integer out of range: {_text[start.._pos]}");
        }
        if (c == ':')
        {
            _pos++;
            var name = ReadName();
            return name.Length == 0 ? Fail("missing variable name after ':'") : new SetExpression.Variable(name);
        }
        if (char.IsAsciiLetter(c.Value) || c == '_')
        {
            var name = ReadName().ToLowerInvariant();
            if (!Functions.TryGetValue(name, out var arity))
                return Fail($"unknown function '{name}' (supported: {string.Join(", ", Functions.Keys)})");
            if (Peek() != '(') return Fail($"missing '(' after {name}");
            _pos++;
            var args = new List<SetExpression>();
            if (Peek() != ')')
            {
                while (true)
                {
                    var arg = ParseSum();
                    if (arg is null) return null;
                    args.Add(arg);
                    if (Peek() == ',') { _pos++; continue; }
                    break;
                }
            }
            if (Peek() != ')') return Fail($"missing ')' after the arguments of {name}");
            _pos++;
            if (args.Count < arity.Min || args.Count > arity.Max)
                return Fail($"wrong number of arguments for {name}: {args.Count}");
            return new SetExpression.Function(name, [.. args]);
        }
        return Fail($"unexpected '{c}' in expression");
    }

    private string ReadName()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        return _text[start.._pos];
    }

    private char? Peek()
    {
        SkipSpace();
        return _pos < _text.Length ? _text[_pos] : null;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private SetExpression? Fail(string message)
    {
        _error ??= message;
        return null;
    }
}
