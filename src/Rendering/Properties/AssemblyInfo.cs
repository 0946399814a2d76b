using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Rl.Rendering.Tests")]
