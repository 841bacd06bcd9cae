namespace Chat.Contract;

/// <summary>Why one field of a request was refused, worded for the client that sent it.</summary>
internal sealed record FieldError(string Field, string Detail)
{
    public override string ToString() => $"{Field}: {Detail}";
}
